/**
 * Every account on this deployment: search by email, open one (memberships, status), disable or
 * enable it after confirming. A disabled user's sessions end at once; their password is never shown
 * or changed here.
 */
import { Link, useParams } from "react-router";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { admin, type AdminUser } from "../../api/admin";
import { errorMessage } from "../../api/client";
import { useAuth } from "../../lib/auth";
import { TableSkeleton } from "../../components/analytics/Skeleton";
import { Pager, useAddressFilters } from "../../components/Pager";
import { SearchBox } from "../../components/admin/SearchBox";
import { useToast } from "../../components/toast";
import { Badge, Button, Card, Empty, ErrorState, Loading, PageHeader, SelectField, formatDate } from "../../components/ui";

const PAGE = 50;

export function UserStatus({ user }: { user: Pick<AdminUser, "is_active" | "is_superuser"> }) {
  return (
    <span className="inline-flex flex-wrap gap-1">
      {user.is_active ? <Badge tone="green">active</Badge> : <Badge tone="red">disabled</Badge>}
      {user.is_superuser && <Badge tone="blue">superuser</Badge>}
    </span>
  );
}

/** Disable or enable a user once the superuser confirms; every list and page of users refreshes after. */
export function ToggleUserButton({ user }: { user: AdminUser }) {
  const { me } = useAuth();
  const toast = useToast();
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: () => (user.is_active ? admin.disableUser(user.id) : admin.enableUser(user.id)),
    onSuccess: () => {
      toast.success(user.is_active ? `${user.email} is disabled` : `${user.email} can sign in again`);
      void queryClient.invalidateQueries({ queryKey: ["admin", "users"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  if (me?.user.id === user.id) return <span className="text-xs text-slate-500">You</span>;
  const question = user.is_active
    ? `Disable ${user.email}? Their sessions end at once and they cannot sign in until enabled again.`
    : `Enable ${user.email}? They can sign in again.`;
  return (
    <Button
      variant={user.is_active ? "danger" : "secondary"}
      busy={toggle.isPending}
      onClick={() => {
        if (window.confirm(question)) toggle.mutate();
      }}
    >
      {user.is_active ? "Disable" : "Enable"}
    </Button>
  );
}

export function UsersPage() {
  const { get, set, offset, page } = useAddressFilters();
  const search = get("q");
  const status = get("status");
  const query = { search, active: status === "" ? undefined : status === "active", limit: PAGE, offset };
  const list = useQuery({ queryKey: ["admin", "users", "list", query], queryFn: () => admin.users(query), placeholderData: keepPreviousData });
  return (
    <>
      <PageHeader title="Users" />
      <div className="mb-4 flex flex-wrap items-end gap-4">
        <SearchBox label="Search by email or name" value={search} onSearch={(text) => set("q", text)} placeholder="part of an email or name" />
        <div className="w-40">
          <SelectField label="Status" value={status} onChange={(e) => set("status", e.target.value)}>
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="disabled">Disabled</option>
          </SelectField>
        </div>
      </div>
      <Card>
        {list.isPending ? (
          <TableSkeleton />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <Empty title={search || status ? "No user matches" : "No users yet"}>
            {search || status ? "Search with a shorter part of the email or name, or another status." : "People appear here once they register."}
          </Empty>
        ) : (
          <>
            <div className="relative overflow-x-auto">
              <table className="w-full text-left text-sm" aria-label="Users">
                <thead className="text-xs uppercase text-slate-500">
                  <tr>
                    <th scope="col" className="py-2 pr-3">Email</th>
                    <th scope="col" className="py-2 pr-3">Name</th>
                    <th scope="col" className="py-2 pr-3">Status</th>
                    <th scope="col" className="py-2 pr-3">Registered</th>
                    <th scope="col" className="py-2 pr-3">Last sign-in</th>
                    <th scope="col" className="py-2"><span className="sr-only">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.items.map((u) => (
                    <tr key={u.id} className="border-t border-slate-200 dark:border-slate-800" data-testid="user-row">
                      <td className="break-words py-2 pr-3 [overflow-wrap:anywhere]">
                        <Link to={`/admin/users/${u.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                          {u.email}
                        </Link>
                      </td>
                      <td className="py-2 pr-3">{u.full_name || "—"}</td>
                      <td className="py-2 pr-3">
                        <UserStatus user={u} />
                      </td>
                      <td className="whitespace-nowrap py-2 pr-3">{formatDate(u.created_at)}</td>
                      <td className="whitespace-nowrap py-2 pr-3">{formatDate(u.last_login_at)}</td>
                      <td className="py-2 text-right">
                        <ToggleUserButton user={u} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager offset={offset} limit={PAGE} total={list.data.total} onPage={page} />
          </>
        )}
      </Card>
    </>
  );
}

export function UserPage() {
  const { id = "" } = useParams();
  const detail = useQuery({ queryKey: ["admin", "users", "one", id], queryFn: () => admin.user(id) });
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => detail.refetch()} />;
  const { user: u, memberships } = detail.data;
  return (
    <>
      <PageHeader title={u.email}>
        <ToggleUserButton user={u} />
        <Link to="/admin/users" className="self-center text-sm text-indigo-600 underline dark:text-indigo-400">
          All users
        </Link>
      </PageHeader>
      <div className="space-y-6">
        <Card title="Account">
          <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
            <dt className="text-slate-500">Name</dt>
            <dd>{u.full_name || "—"}</dd>
            <dt className="text-slate-500">Status</dt>
            <dd>
              <UserStatus user={u} />
            </dd>
            <dt className="text-slate-500">Registered</dt>
            <dd>{formatDate(u.created_at)}</dd>
            <dt className="text-slate-500">Last sign-in</dt>
            <dd>{u.last_login_at ? formatDate(u.last_login_at) : "Not known"}</dd>
          </dl>
          {!u.is_active && (
            <p className="mt-3 text-sm text-rose-700 dark:text-rose-300">Disabled: every session ended, and signing in is refused until a superuser enables the account.</p>
          )}
        </Card>
        <Card title="Workspaces">
          {memberships.length === 0 ? (
            <p className="text-sm text-slate-500">Not a member of any workspace.</p>
          ) : (
            <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Memberships">
              {memberships.map((m) => (
                <li key={m.workspace_id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm" data-testid="membership-row">
                  <Link to={`/admin/workspaces/${m.workspace_id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                    {m.workspace_name}
                  </Link>
                  <span className="flex flex-wrap items-center gap-2 text-slate-500">
                    <Badge>{m.role}</Badge>
                    {m.is_personal && <Badge tone="blue">personal</Badge>}
                    {m.paused && <Badge tone="amber">paused seat</Badge>}
                    since {formatDate(m.joined_at)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
