import { Navigate, Route, Routes, useLocation } from "react-router";
import type { ReactNode } from "react";
import { useAuth } from "./lib/auth";
import { Layout } from "./components/Layout";
import { LoginPage, RegisterPage } from "./pages/Auth";
import { DashboardPage } from "./pages/Dashboard";
import { UploadPage } from "./pages/Upload";
import { DraftsPage } from "./pages/Drafts";
import { DraftEditorPage } from "./pages/DraftEditor";
import { InventoryPage } from "./pages/Inventory";
import { InventoryItemPage } from "./pages/InventoryItem";
import { JobDetailPage, JobsPage } from "./pages/Jobs";
import { AccountsPage, ProfilesPage, ProxiesPage } from "./pages/Platforms";
import { BillingPage } from "./pages/Billing";
import { SettingsPage } from "./pages/Settings";
import { AutomationPage } from "./pages/Automation";
import { AutomationRunsPage } from "./pages/AutomationRuns";
import { TemplatesPage } from "./pages/Templates";
import { InboxPage } from "./pages/Inbox";
import { CampaignsPage } from "./pages/Campaigns";
import { CampaignBuilderPage, NewCampaignPage } from "./pages/CampaignBuilder";
import { CampaignPage } from "./pages/Campaign";
import { CalendarPage } from "./pages/Calendar";
import { CollectionsPage, EditCollectionPage, NewCollectionPage } from "./pages/Collections";
import { CollectionPage } from "./pages/Collection";
import { AnalyticsPage } from "./pages/Analytics";
import { SalesPage } from "./pages/Sales";
import { AuditPage } from "./pages/Audit";
import { AdminLayout } from "./pages/admin/AdminLayout";
import { UserPage, UsersPage } from "./pages/admin/Users";
import { WorkspacePage, WorkspacesPage } from "./pages/admin/Workspaces";
import { AdminJobsPage } from "./pages/admin/Jobs";
import { AttentionPage } from "./pages/admin/Attention";
import { SystemPage } from "./pages/admin/System";
import { AdminAuditPage } from "./pages/admin/Audit";
import { Empty } from "./components/ui";

function RequireAuth({ children }: { children: ReactNode }) {
  const { signedIn } = useAuth();
  const location = useLocation();
  if (!signedIn) {
    const next = location.pathname + location.search;
    return <Navigate to={next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/register" element={<RegisterPage />} />
      <Route
        element={
          <RequireAuth>
            <Layout />
          </RequireAuth>
        }
      >
        <Route index element={<DashboardPage />} />
        <Route path="upload" element={<UploadPage />} />
        <Route path="drafts" element={<DraftsPage />} />
        <Route path="drafts/:id" element={<DraftEditorPage />} />
        <Route path="inventory" element={<InventoryPage />} />
        <Route path="inventory/:id" element={<InventoryItemPage />} />
        <Route path="jobs" element={<JobsPage />} />
        <Route path="jobs/:id" element={<JobDetailPage />} />
        <Route path="accounts" element={<AccountsPage />} />
        <Route path="proxies" element={<ProxiesPage />} />
        <Route path="profiles" element={<ProfilesPage />} />
        <Route path="automation" element={<AutomationPage />} />
        <Route path="automation/runs" element={<AutomationRunsPage />} />
        <Route path="automation/templates" element={<TemplatesPage />} />
        <Route path="inbox" element={<InboxPage />} />
        <Route path="campaigns" element={<CampaignsPage />} />
        <Route path="campaigns/new" element={<NewCampaignPage />} />
        <Route path="campaigns/:id/edit" element={<CampaignBuilderPage />} />
        <Route path="campaigns/:id" element={<CampaignPage />} />
        <Route path="calendar" element={<CalendarPage />} />
        <Route path="collections" element={<CollectionsPage />} />
        <Route path="collections/new" element={<NewCollectionPage />} />
        <Route path="collections/:id/edit" element={<EditCollectionPage />} />
        <Route path="collections/:id" element={<CollectionPage />} />
        <Route path="analytics" element={<AnalyticsPage />} />
        <Route path="sales" element={<SalesPage />} />
        <Route path="billing" element={<BillingPage />} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="admin" element={<AdminLayout />}>
          <Route index element={<Navigate to="users" replace />} />
          <Route path="users" element={<UsersPage />} />
          <Route path="users/:id" element={<UserPage />} />
          <Route path="workspaces" element={<WorkspacesPage />} />
          <Route path="workspaces/:id" element={<WorkspacePage />} />
          <Route path="jobs" element={<AdminJobsPage />} />
          <Route path="attention" element={<AttentionPage />} />
          <Route path="system" element={<SystemPage />} />
          <Route path="audit" element={<AdminAuditPage />} />
          <Route path="*" element={<Empty title="Page not found" />} />
        </Route>
        <Route path="*" element={<Empty title="Page not found" />} />
      </Route>
    </Routes>
  );
}
