import { useEffect, useState } from "react";
import { media } from "../api/endpoints";

/** A photo thumbnail; fetched with the bearer token (plain <img src> cannot send it). */
export function AuthImage({ mediaId, alt, className = "" }: { mediaId: string; alt: string; className?: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    let objectUrl: string | null = null;
    media
      .thumbnail(mediaId, controller.signal)
      .then((response) => response.blob())
      .then((blob) => {
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      })
      .catch(() => {
        if (!controller.signal.aborted) setFailed(true);
      });
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [mediaId]);
  if (url) return <img src={url} alt={alt} className={`object-cover ${className}`} />;
  return (
    <div aria-label={failed ? `${alt} (not available)` : `${alt} (loading)`} className={`bg-slate-200 dark:bg-slate-800 ${className} ${failed ? "" : "animate-pulse"}`} />
  );
}
