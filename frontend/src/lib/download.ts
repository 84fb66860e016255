/**
 * Save a file the API serves behind the bearer token: a plain link cannot send the token,
 * so the bytes are fetched and handed to the browser as an object URL.
 */
export async function saveResponse(response: Response, fallbackName: string): Promise<void> {
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  try {
    const link = document.createElement("a");
    link.href = url;
    link.download = named ? decodeURIComponent(named) : fallbackName;
    document.body.appendChild(link);
    link.click();
    link.remove();
  } finally {
    // Let the click start the download before the URL goes.
    window.setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}
