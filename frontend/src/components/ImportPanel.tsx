import { useId, useState } from "react";
import type { ImportSource } from "../api/endpoints";
import type { ImportReport } from "../api/platforms";
import { errorMessage } from "../api/client";
import { Badge, Button, Card, TextArea } from "./ui";

/** Pasted text is JSON when it starts with `[`, CSV otherwise. */
export function parseImportText(text: string): ImportSource {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    const rows: unknown = JSON.parse(trimmed);
    if (!Array.isArray(rows)) throw new Error("JSON must be an array of objects");
    return { kind: "json", rows };
  }
  return { kind: "csv", text: trimmed + "\n" };
}

export function ImportReportView({ report }: { report: ImportReport }) {
  return (
    <div className="space-y-3" data-testid="import-report">
      <p className="flex flex-wrap gap-2 text-sm">
        <Badge tone="green">{report.created} created</Badge>
        <Badge tone="gray">{report.skipped} skipped</Badge>
        <Badge tone={report.failed ? "red" : "gray"}>{report.failed} failed</Badge>
      </p>
      {report.rows.length > 0 && (
        <div className="max-h-80 overflow-auto rounded border border-slate-200 dark:border-slate-800">
          <table className="w-full text-left text-sm">
            <thead className="sticky top-0 bg-slate-50 dark:bg-slate-900">
              <tr>
                <th scope="col" className="px-3 py-2">Row</th>
                <th scope="col" className="px-3 py-2">Result</th>
                <th scope="col" className="px-3 py-2">Reason</th>
              </tr>
            </thead>
            <tbody>
              {report.rows.map((r) => (
                <tr key={r.row} className="border-t border-slate-200 dark:border-slate-800">
                  <td className="px-3 py-1.5 tabular-nums">{r.row}</td>
                  <td className="px-3 py-1.5">
                    <Badge tone={r.status === "created" ? "green" : r.status === "failed" ? "red" : "gray"}>{r.status}</Badge>
                  </td>
                  <td className="px-3 py-1.5">{r.reason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function ImportPanel({
  title,
  example,
  onImport,
}: {
  title: string;
  example: string;
  onImport: (source: ImportSource) => Promise<ImportReport>;
}) {
  const fileId = useId();
  const [text, setText] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);

  const run = async () => {
    setError(null);
    setReport(null);
    let source: ImportSource;
    try {
      source = file ? { kind: "file", file } : parseImportText(text);
    } catch (e) {
      setError(`Cannot read that: ${errorMessage(e)}`);
      return;
    }
    setBusy(true);
    try {
      setReport(await onImport(source));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={title}>
      <div className="space-y-3">
        <TextArea label="Paste CSV (with a header row) or a JSON array" rows={5} placeholder={example} value={text} disabled={!!file} onChange={(e) => setText(e.target.value)} className="font-mono" />
        <div>
          <label htmlFor={fileId} className="block text-sm font-medium">
            …or choose a .csv or .json file
          </label>
          <input id={fileId} type="file" accept=".csv,.json,text/csv,application/json" className="mt-1 block text-sm" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        {error && (
          <p role="alert" className="text-sm text-rose-600 dark:text-rose-400">
            {error}
          </p>
        )}
        <Button onClick={run} busy={busy} disabled={!file && !text.trim()}>
          Import
        </Button>
        {report && <ImportReportView report={report} />}
      </div>
    </Card>
  );
}
