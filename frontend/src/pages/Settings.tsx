import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { workspaces, type Role } from "../api/endpoints";
import { errorMessage } from "../api/client";
import { useAuth } from "../lib/auth";
import { useToast } from "../components/toast";
import { Badge, Button, Card, Empty, ErrorState, Loading, PageHeader, SelectField, TextField, formatDate } from "../components/ui";

const ROLES: Role[] = ["member", "admin", "owner"];

export function SettingsPage() {
  const { me, canManage, switchWorkspace } = useAuth();
  const toast = useToast();
  const queryClient = useQueryClient();
  const ws = me!.workspace;
  const [name, setName] = useState(ws.name);
  const [newName, setNewName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [emailError, setEmailError] = useState<string | null>(null);

  const members = useQuery({ queryKey: ["members", ws.id], queryFn: () => workspaces.members(ws.id) });
  const invitations = useQuery({ queryKey: ["invitations", ws.id], queryFn: () => workspaces.invitations(ws.id), enabled: canManage });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["members", ws.id] });
    void queryClient.invalidateQueries({ queryKey: ["invitations", ws.id] });
  };
  const onError = (e: unknown) => toast.error(errorMessage(e));

  const rename = useMutation({
    mutationFn: () => workspaces.rename(ws.id, name.trim()),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["me"] });
      void queryClient.invalidateQueries({ queryKey: ["workspaces"] });
      toast.success("Workspace renamed");
    },
    onError,
  });
  const create = useMutation({
    mutationFn: () => workspaces.create(newName.trim()),
    onSuccess: async (created) => {
      setNewName("");
      await switchWorkspace(created.id);
      toast.success(`Now working in ${created.name}`);
    },
    onError,
  });
  const invite = useMutation({
    mutationFn: () => workspaces.invite(ws.id, email.trim(), role),
    onSuccess: (r) => {
      setEmail("");
      refresh();
      toast.success(r.status === "added" ? "Member added" : "Invitation saved; it is taken up when they sign up");
    },
    onError,
  });
  const changeRole = useMutation({ mutationFn: (v: { userId: string; role: Role }) => workspaces.changeRole(ws.id, v.userId, v.role), onSuccess: refresh, onError });
  const removeMember = useMutation({ mutationFn: (userId: string) => workspaces.removeMember(ws.id, userId), onSuccess: refresh, onError });
  const revoke = useMutation({ mutationFn: (id: string) => workspaces.revokeInvitation(ws.id, id), onSuccess: refresh, onError });

  // The last owner cannot leave (the API refuses): no Leave button for them, and the reason instead.
  const owners = members.data?.items.filter((m) => m.role === "owner").length ?? 0;
  const onlyOwner = (role: Role) => role === "owner" && owners <= 1;

  const submitInvite = (e: FormEvent) => {
    e.preventDefault();
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) {
      setEmailError("Enter a valid email address");
      return;
    }
    setEmailError(null);
    invite.mutate();
  };

  return (
    <>
      <PageHeader title="Settings" />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Workspace">
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim()) rename.mutate();
            }}
          >
            <TextField label="Name" value={name} maxLength={100} disabled={!canManage} onChange={(e) => setName(e.target.value)} />
            <p className="text-sm text-slate-500 dark:text-slate-400">
              Your role: <Badge>{ws.role}</Badge>
            </p>
            {canManage && (
              <Button type="submit" busy={rename.isPending} disabled={!name.trim() || name.trim() === ws.name}>
                Rename
              </Button>
            )}
          </form>
        </Card>
        <Card title="New team workspace">
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              if (newName.trim()) create.mutate();
            }}
          >
            <TextField label="Workspace name" value={newName} maxLength={100} onChange={(e) => setNewName(e.target.value)} />
            <Button type="submit" busy={create.isPending} disabled={!newName.trim()}>
              Create and switch
            </Button>
          </form>
        </Card>
      </div>

      <Card title="Members" className="mt-6">
        {canManage && (
          <form onSubmit={submitInvite} noValidate className="mb-6 grid items-end gap-3 sm:grid-cols-[1fr_10rem_auto]">
            <TextField label="Invite by email" type="email" value={email} error={emailError} onChange={(e) => setEmail(e.target.value)} />
            <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </SelectField>
            <Button type="submit" busy={invite.isPending}>
              Invite
            </Button>
          </form>
        )}
        {members.isPending ? (
          <Loading />
        ) : members.isError ? (
          <ErrorState error={members.error} onRetry={() => members.refetch()} />
        ) : members.data.items.length === 0 ? (
          <Empty title="No members" />
        ) : (
          <ul className="divide-y divide-slate-200 dark:divide-slate-800">
            {members.data.items.map((m) => (
              <li key={m.user_id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center" data-testid="member-row">
                <div className="min-w-0 flex-1">
                  <p className="truncate font-medium">{m.full_name || m.email}</p>
                  <p className="truncate text-xs text-slate-500">
                    {/* The email once: under the name only when there is a name above it. */}
                    {m.full_name ? `${m.email} · ` : ""}joined {formatDate(m.joined_at)} {m.paused && <Badge tone="amber">paused</Badge>}
                  </p>
                  {m.user_id === me!.user.id && onlyOwner(m.role) && (
                    <p className="text-xs text-slate-500 dark:text-slate-400" data-testid="only-owner">
                      You are the only owner: make another member owner before you leave.
                    </p>
                  )}
                </div>
                {canManage ? (
                  <div className="flex items-center gap-2">
                    <label className="sr-only" htmlFor={`role-${m.user_id}`}>
                      Role of {m.email}
                    </label>
                    <select
                      id={`role-${m.user_id}`}
                      className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-950"
                      value={m.role}
                      onChange={(e) => changeRole.mutate({ userId: m.user_id, role: e.target.value as Role })}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                    {!(m.user_id === me!.user.id && onlyOwner(m.role)) && (
                      <Button
                        variant="ghost"
                        onClick={() => {
                          const leaving = m.user_id === me!.user.id;
                          if (window.confirm(leaving ? "Leave this workspace?" : `Remove ${m.email} from this workspace?`)) removeMember.mutate(m.user_id);
                        }}
                      >
                        {m.user_id === me!.user.id ? "Leave" : "Remove"}
                      </Button>
                    )}
                  </div>
                ) : (
                  <Badge>{m.role}</Badge>
                )}
              </li>
            ))}
          </ul>
        )}
        {canManage && invitations.data && invitations.data.items.length > 0 && (
          <div className="mt-6">
            <h3 className="mb-2 text-sm font-semibold">Pending invitations</h3>
            <ul className="divide-y divide-slate-200 dark:divide-slate-800">
              {invitations.data.items.map((i) => (
                <li key={i.id} className="flex items-center justify-between gap-2 py-2 text-sm">
                  <span>
                    {i.email} · <Badge>{i.role}</Badge>
                  </span>
                  <Button variant="ghost" onClick={() => revoke.mutate(i.id)}>
                    Revoke
                  </Button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </Card>
    </>
  );
}
