/** A search field whose text goes to the address a moment after typing stops (or on Enter). */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { TextField } from "../ui";

export function SearchBox({ label, value, onSearch, placeholder }: { label: string; value: string; onSearch: (text: string) => void; placeholder?: string }) {
  const [text, setText] = useState(value);
  // The latest handler, without restarting the pause each time the page re-renders.
  const handler = useRef(onSearch);
  useEffect(() => {
    handler.current = onSearch;
  });
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text.trim() === value) return;
    const timer = window.setTimeout(() => handler.current(text.trim()), 300);
    return () => window.clearTimeout(timer);
  }, [text, value]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(text.trim());
  };
  return (
    <form role="search" onSubmit={submit} className="w-full max-w-sm">
      <TextField label={label} type="search" value={text} placeholder={placeholder} onChange={(e) => setText(e.target.value)} />
    </form>
  );
}
