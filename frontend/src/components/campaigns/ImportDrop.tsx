/** Import posts into a campaign from a CSV or JSON file dropped here; the report lists what was created and every bad row with its reason. */
import { useState } from "react";
import { useDropzone } from "react-dropzone";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { campaigns, type CampaignImportReport } from "../../api/campaigns";
import { errorMessage } from "../../api/client";
import { Badge, Card } from "../ui";

const EXAMPLE = "caption,media,scheduled_at,account,platform\n\"New in: denim jackets\",https://example.com/jacket.jpg,2026-12-24T10:00:00Z,my_shop,sandbox";

export function ImportReportTable({ report }: { report: CampaignImportReport }) {
  return (
    <div className="space-y-3" data-testid="campaign-import-report">
      <p className="flex flex-wrap gap-2 text-sm">
        <Badge tone="green">{report.created} created</Badge>
        <Badge tone={report.failed ? "red" : "gray"}>{report.failed} bad rows</Badge>
      </p>
      {report.errors.length > 0 && (
        <div className="max-h-80 overflow-auto rounded border border-slate-200 dark:border-slate-800">
          <table className="w-full text-left text-sm" aria-label="Bad rows">
            <thead className="sticky top-0 bg-slate-50 dark:bg-slate-900">
              <tr>
                <th scope="col" className="px-3 py-2">Row</th>
                <th scope="col" className="px-3 py-2">Field</th>
                <th scope="col" className="px-3 py-2">Reason</th>
              </tr>
            </thead>
            <tbody>
              {report.errors.map((e) => (
                <tr key={`${e.row}-${e.field}`} className="border-t border-slate-200 dark:border-slate-800" data-testid="import-error">
                  <td className="px-3 py-1.5 tabular-nums">{e.row}</td>
                  <td className="px-3 py-1.5">{e.field || "—"}</td>
                  <td className="px-3 py-1.5 break-words [overflow-wrap:anywhere]">{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function ImportDrop({ campaignId }: { campaignId: string }) {
  const queryClient = useQueryClient();
  const [report, setReport] = useState<CampaignImportReport | null>(null);
  const run = useMutation({
    mutationFn: (file: File) => campaigns.import(campaignId, { kind: "file", file }),
    onMutate: () => setReport(null),
    onSuccess: (r) => {
      setReport(r);
      void queryClient.invalidateQueries({ queryKey: ["campaigns", campaignId] });
      void queryClient.invalidateQueries({ queryKey: ["calendar"] });
    },
  });
  const { getRootProps, getInputProps, isDragActive, fileRejections } = useDropzone({
    accept: { "text/csv": [".csv"], "application/json": [".json"] },
    maxFiles: 1,
    multiple: false,
    disabled: run.isPending,
    onDropAccepted: ([file]) => file && run.mutate(file),
  });
  const rejected = fileRejections[0]?.errors[0]?.message;
  return (
    <Card title="Import posts">
      <div className="space-y-4">
        <div
          {...getRootProps()}
          data-testid="import-drop"
          className={`flex cursor-pointer flex-col items-center gap-2 rounded-lg border-2 border-dashed p-6 text-center ${
            isDragActive ? "border-indigo-500 bg-indigo-50 dark:bg-indigo-950" : "border-slate-300 dark:border-slate-700"
          }`}
        >
          <input {...getInputProps()} aria-label="CSV or JSON file of posts" />
          <p className="font-medium">{run.isPending ? "Importing…" : "Drop a .csv or .json file of posts here, or click to choose"}</p>
          <p className="text-sm text-slate-500 dark:text-slate-400">Columns: caption, media (a media id or an image URL), scheduled_at, account (id, login or label), platform. Good rows are kept even when others are bad.</p>
        </div>
        <details>
          <summary className="cursor-pointer text-sm">Example CSV</summary>
          <pre className="mt-2 overflow-x-auto rounded bg-slate-100 p-2 text-xs dark:bg-slate-800">{EXAMPLE}</pre>
        </details>
        {(rejected || run.isError) && (
          <p role="alert" className="text-sm text-rose-600 dark:text-rose-400">
            {rejected ?? errorMessage(run.error)}
          </p>
        )}
        {report && <ImportReportTable report={report} />}
      </div>
    </Card>
  );
}
