/**
 * The superuser console's frame: its sections as tabs over the page. Anyone else gets the app's
 * "Page not found" (the console is not hinted at; the API answers them 403 anyway).
 */
import { NavLink, Outlet } from "react-router";
import { useAuth } from "../../lib/auth";
import { Empty } from "../../components/ui";

export const ADMIN_SECTIONS = [
  { to: "/admin/users", label: "Users" },
  { to: "/admin/workspaces", label: "Workspaces" },
  { to: "/admin/jobs", label: "Jobs" },
  { to: "/admin/attention", label: "Attention" },
  { to: "/admin/system", label: "System health" },
  { to: "/admin/audit", label: "Audit log" },
];

export function isSuperuser(me: ReturnType<typeof useAuth>["me"]): boolean {
  return me?.user.is_superuser === true;
}

export function AdminLayout() {
  const { me } = useAuth();
  if (!isSuperuser(me)) return <Empty title="Page not found" />;
  return (
    <>
      <nav aria-label="Admin" className="mb-6 flex flex-wrap gap-1 border-b border-slate-200 pb-2 dark:border-slate-800">
        {ADMIN_SECTIONS.map((s) => (
          <NavLink
            key={s.to}
            to={s.to}
            className={({ isActive }) =>
              `rounded-md px-3 py-1.5 text-sm font-medium ${
                isActive
                  ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300"
                  : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
              }`
            }
          >
            {s.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
