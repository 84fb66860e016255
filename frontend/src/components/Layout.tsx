import { useState } from "react";
import { NavLink, Outlet, useNavigate } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { workspaces } from "../api/endpoints";
import { errorMessage } from "../api/client";
import { useAuth } from "../lib/auth";
import { useTheme } from "../lib/theme";
import { useWorkspaceEvents } from "../lib/events";
import { useToast } from "./toast";
import { useConflictCount, useInventoryNotices } from "./inventory/hooks";
import { Button, ErrorState, Loading } from "./ui";

interface NavItem {
  to: string;
  label: string;
  end?: boolean;
}

const NAV: NavItem[] = [
  { to: "/", label: "Dashboard", end: true },
  { to: "/upload", label: "New drafts" },
  { to: "/drafts", label: "Drafts" },
  { to: "/inventory", label: "Inventory" },
  { to: "/jobs", label: "Jobs" },
  { to: "/automation", label: "Automation", end: true },
  { to: "/automation/runs", label: "Run history" },
  { to: "/automation/templates", label: "Message templates" },
  { to: "/inbox", label: "Inbox" },
  { to: "/campaigns", label: "Campaigns" },
  { to: "/calendar", label: "Calendar" },
  { to: "/collections", label: "Image collections" },
  { to: "/analytics", label: "Analytics" },
  { to: "/sales", label: "Sales" },
  { to: "/accounts", label: "Accounts" },
  { to: "/proxies", label: "Proxies" },
  { to: "/profiles", label: "Browser profiles" },
  { to: "/billing", label: "Billing" },
  { to: "/settings", label: "Settings" },
];

/** The nav for this person: the audit log for owners and admins, the console for superusers only. */
export function navFor(me: { user: { is_superuser: boolean }; workspace: { role: string } } | undefined): NavItem[] {
  const items = [...NAV];
  if (me && me.workspace.role !== "member") items.push({ to: "/audit", label: "Audit log" });
  if (me?.user.is_superuser) items.push({ to: "/admin", label: "Admin" });
  return items;
}

function WorkspaceSwitcher() {
  const { me, switchWorkspace } = useAuth();
  const toast = useToast();
  const list = useQuery({ queryKey: ["workspaces"], queryFn: workspaces.list });
  const [busy, setBusy] = useState(false);
  if (!me) return null;
  return (
    <div>
      <label htmlFor="workspace-switcher" className="mb-1 block text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">
        Workspace
      </label>
      <select
        id="workspace-switcher"
        className="block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-950"
        value={me.workspace.id}
        disabled={busy || list.isPending}
        onChange={async (e) => {
          setBusy(true);
          try {
            await switchWorkspace(e.target.value);
            toast.success("Switched workspace");
          } catch (error) {
            toast.error(errorMessage(error));
          } finally {
            setBusy(false);
          }
        }}
      >
        {(list.data?.items ?? [me.workspace]).map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
            {w.paused ? " (paused)" : ""}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Layout() {
  const { me, meLoading, meError, logout, signedIn } = useAuth();
  const [theme, toggleTheme] = useTheme();
  const [menuOpen, setMenuOpen] = useState(false);
  const navigate = useNavigate();
  useWorkspaceEvents(signedIn && !!me);
  // Listings that need a person: a badge on Inventory, and a toast when one more appears.
  const conflicts = useConflictCount(signedIn && !!me);
  useInventoryNotices(signedIn && !!me, conflicts);

  const nav = (
    <nav aria-label="Main" className="space-y-1">
      {navFor(me).map((item) => (
        <NavLink
          key={item.to}
          to={item.to}
          end={item.end}
          onClick={() => setMenuOpen(false)}
          className={({ isActive }) =>
            `block rounded-md px-3 py-2 text-sm font-medium ${
              isActive
                ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300"
                : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
            }`
          }
        >
          {item.label}
          {item.to === "/inventory" && conflicts ? (
            <span className="ml-2 rounded-full bg-rose-600 px-1.5 py-0.5 text-xs font-semibold text-white" data-testid="needs-action-count">
              {conflicts}
              <span className="sr-only"> need action</span>
            </span>
          ) : null}
        </NavLink>
      ))}
    </nav>
  );

  const footer = (
    <div className="space-y-3 border-t border-slate-200 pt-4 dark:border-slate-800">
      <WorkspaceSwitcher />
      {me && <p className="truncate text-xs text-slate-500 dark:text-slate-400" title={me.user.email}>{me.user.email}</p>}
      <div className="flex gap-2">
        <Button variant="secondary" onClick={toggleTheme} aria-label={`Switch to ${theme === "dark" ? "light" : "dark"} mode`}>
          {theme === "dark" ? "☀ Light" : "☾ Dark"}
        </Button>
        <Button
          variant="ghost"
          onClick={async () => {
            await logout();
            navigate("/login");
          }}
        >
          Log out
        </Button>
      </div>
    </div>
  );

  return (
    <div className="min-h-screen md:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2">
        Skip to content
      </a>
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3 md:hidden dark:border-slate-800 dark:bg-slate-900">
        <span className="text-lg font-semibold">Sellpilot</span>
        <Button variant="secondary" aria-expanded={menuOpen} aria-controls="mobile-menu" onClick={() => setMenuOpen((o) => !o)}>
          {menuOpen ? "Close" : "Menu"}
        </Button>
      </header>
      {menuOpen && (
        <div id="mobile-menu" className="space-y-4 border-b border-slate-200 bg-white p-4 md:hidden dark:border-slate-800 dark:bg-slate-900">
          {nav}
          {footer}
        </div>
      )}
      <aside className="hidden w-60 shrink-0 flex-col justify-between border-r border-slate-200 bg-white p-4 md:flex md:min-h-screen dark:border-slate-800 dark:bg-slate-900">
        <div className="space-y-6">
          <span className="block px-3 text-lg font-semibold">Sellpilot</span>
          {nav}
        </div>
        {footer}
      </aside>
      <main id="main" className="min-w-0 flex-1 p-4 sm:p-6 lg:p-8">
        {meLoading ? <Loading /> : meError ? <ErrorState error={meError} /> : <Outlet />}
      </main>
    </div>
  );
}
