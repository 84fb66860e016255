/**
 * The campaign builder in steps: brief → generate → review → accounts → schedule → start.
 * /campaigns/new has only the brief; once created, /campaigns/:id/edit?step=… holds the rest
 * (the step in the address, so a reload or a link lands on it). Only drafts are edited here.
 */
import { Link, Navigate, useNavigate, useParams, useSearchParams } from "react-router";
import { BriefStep } from "../components/campaigns/BriefStep";
import { GenerateStep } from "../components/campaigns/GenerateStep";
import { ReviewGrid } from "../components/campaigns/ReviewGrid";
import { Stepper, type Step } from "../components/campaigns/Stepper";
import { AccountsStep, ScheduleStep } from "../components/campaigns/TargetingSteps";
import { useCampaign } from "../components/campaigns/hooks";
import { ErrorState, Loading, PageHeader, StatusBadge } from "../components/ui";

export const STEPS: Step[] = [
  { key: "brief", label: "Brief" },
  { key: "generate", label: "Generate" },
  { key: "review", label: "Review" },
  { key: "accounts", label: "Accounts" },
  { key: "schedule", label: "Schedule" },
];

export function NewCampaignPage() {
  const navigate = useNavigate();
  return (
    <>
      <PageHeader title="New campaign">
        <Link to="/campaigns" className="text-sm text-indigo-600 underline dark:text-indigo-400">
          All campaigns
        </Link>
      </PageHeader>
      <Stepper steps={STEPS} current="brief" hrefOf={() => ""} enabled={false} />
      <BriefStep onSaved={(c) => navigate(`/campaigns/${c.id}/edit?step=generate`)} />
    </>
  );
}

export function CampaignBuilderPage() {
  const { id = "" } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const campaign = useCampaign(id);
  const step = STEPS.some((s) => s.key === params.get("step")) ? params.get("step")! : "brief";
  const hrefOf = (key: string) => `/campaigns/${id}/edit?step=${key}`;
  const go = (key: string) => navigate(hrefOf(key));
  if (campaign.isPending) return <Loading />;
  if (campaign.isError) return <ErrorState error={campaign.error} onRetry={() => campaign.refetch()} />;
  const c = campaign.data;
  // Started campaigns are followed on their page; their targeting and schedule are fixed.
  if (c.status !== "draft") return <Navigate to={`/campaigns/${c.id}`} replace />;
  return (
    <>
      <PageHeader title={c.name}>
        <StatusBadge status={c.status} />
        <Link to="/campaigns" className="self-center text-sm text-indigo-600 underline dark:text-indigo-400">
          All campaigns
        </Link>
      </PageHeader>
      <Stepper steps={STEPS} current={step} hrefOf={hrefOf} enabled />
      {step === "brief" && <BriefStep key={c.id} campaign={c} onSaved={() => go("generate")} />}
      {step === "generate" && <GenerateStep campaign={c} onNext={() => go("review")} />}
      {step === "review" && <ReviewGrid campaign={c} onNext={() => go("accounts")} />}
      {step === "accounts" && <AccountsStep key={c.id} campaign={c} onNext={() => go("schedule")} />}
      {step === "schedule" && <ScheduleStep key={c.id} campaign={c} onStarted={() => navigate(`/campaigns/${c.id}`)} />}
    </>
  );
}
