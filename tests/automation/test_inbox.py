"""The inbox: conversations synced from the sandbox with unread counts, read in Sellpilot, a reply that appears
on the sandbox once; another workspace's conversations are 404."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from backend.automation.inbox import service as inbox
from backend.automation.tables import Conversation
from tests.automation.social_helpers import (  # noqa: F401 - on_the_sandbox is a fixture
    control,
    job_done,
    on_the_sandbox,
    owner,
    platform_account,
    rule,
    run_now,
    sandbox_user,
)
from tests.helpers import register
from tests.platforms.conftest import Sandbox

BASE = "/api/v1/inbox"


@dataclass(frozen=True)
class _Message:
    sender: str
    body: str
    sent_at: datetime | None = None
    message_id: str = ""


async def _stored_conversation(workspace: str, account_id: uuid.UUID, with_user: str, *bodies: str) -> uuid.UUID:
    """A conversation as a sync would store it (no browser): `with_user` wrote `bodies`, then "me" answered."""
    ws = uuid.UUID(workspace)
    row, _ = await inbox._conversation_for(ws, account_id, "sandbox", with_user)
    start = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    thread = [_Message(with_user, body, start + timedelta(minutes=i)) for i, body in enumerate(bodies)]
    thread.append(_Message("me", "Thanks!", start + timedelta(hours=1), message_id="m-last"))
    incoming = (await inbox.store_thread(ws, row, "me", thread)).incoming
    await Conversation.update({Conversation.unread_count: incoming, Conversation.last_message: "Thanks!"}).where(
        Conversation.id == row["id"]
    )
    # Stored twice: nothing added the second time.
    assert await inbox.store_thread(ws, row, "me", thread) == inbox.StoredThread(added=0, incoming=0)
    conversation_id: uuid.UUID = row["id"]
    return conversation_id


async def test_list_read_and_tenancy_without_a_browser(client: httpx.AsyncClient) -> None:
    person, stranger = await register(client), await register(client)
    account = uuid.uuid4()  # an account id the platforms domain does not know: its label is empty
    busy = await _stored_conversation(person.workspace_id, account, "bob", "Hi!", "Still for sale?")
    quiet = await _stored_conversation(person.workspace_id, account, "carol")

    page = (await client.get(BASE, headers=person.headers)).json()
    assert page["total"] == 2
    by_user = {c["with_user"]: c for c in page["items"]}
    assert (by_user["bob"]["unread_count"], by_user["carol"]["unread_count"]) == (2, 0)
    assert by_user["bob"]["account_label"] == ""
    unread = (await client.get(BASE, headers=person.headers, params={"unread": "true"})).json()
    assert [c["with_user"] for c in unread["items"]] == ["bob"]
    read = (await client.get(BASE, headers=person.headers, params={"unread": "false"})).json()
    assert [c["with_user"] for c in read["items"]] == ["carol"]
    other_account = (await client.get(BASE, headers=person.headers, params={"account_id": str(uuid.uuid4())})).json()
    assert other_account["total"] == 0

    messages = (await client.get(f"{BASE}/{busy}/messages", headers=person.headers)).json()
    assert [(m["sender"], m["body"], m["outgoing"]) for m in messages["items"]] == [
        ("bob", "Hi!", False),
        ("bob", "Still for sale?", False),
        ("me", "Thanks!", True),
    ]
    marked = await client.post(f"{BASE}/{busy}/read", headers=person.headers)
    assert marked.status_code == 200, marked.text
    assert marked.json()["unread_count"] == 0

    for method, path, body in [
        ("GET", f"{BASE}/{busy}/messages", None),
        ("POST", f"{BASE}/{busy}/read", None),
        ("POST", f"{BASE}/{quiet}/reply", {"text": "Hello"}),
        ("POST", f"{BASE}/{uuid.uuid4()}/reply", {"text": "Hello"}),
    ]:
        response = await client.request(method, path, headers=stranger.headers, json=body)
        assert response.status_code == 404, (path, response.text)
    assert (await client.get(BASE, headers=stranger.headers)).json()["total"] == 0
    empty = await client.post(f"{BASE}/{busy}/reply", headers=person.headers, json={"text": ""})
    assert empty.status_code == 400
    assert "text" in empty.text
    foreign_sync = await client.post(f"{BASE}/sync", headers=person.headers, json={"account_id": str(uuid.uuid4())})
    assert foreign_sync.status_code == 404


async def _send(sandbox: Sandbox, sender: str, recipient: str, body: str) -> None:
    await control(sandbox, "POST", "/__control/messages", json={"sender": sender, "recipient": recipient, "body": body})


@pytest.mark.timeout(480)
@pytest.mark.usefixtures("on_the_sandbox")
async def test_sync_unread_counts_reply_and_the_inbox_sync_rule(
    client: httpx.AsyncClient,
    app: Any,
    sandbox: Sandbox,
) -> None:
    me, buyer, other = [await sandbox_user(sandbox, p) for p in ("shop", "buyer", "other")]
    await _send(sandbox, buyer, me, "Hello! Is the lamp still available?")
    await _send(sandbox, buyer, me, "I could pick it up tomorrow.")
    person, stranger = await owner(client), await register(client)
    account = await platform_account(client, person, me)

    sync = await job_done(
        app, person, await client.post(f"{BASE}/sync", headers=person.headers, json={"account_id": account})
    )
    assert sync.status == "succeeded", sync.error
    page = (await client.get(BASE, headers=person.headers)).json()
    assert page["total"] == 1
    conversation = page["items"][0]
    assert (conversation["with_user"], conversation["unread_count"]) == (buyer, 2)
    assert conversation["last_message"] == "I could pick it up tomorrow."
    assert conversation["platform"] == "sandbox"
    assert conversation["account_label"] == me
    assert conversation["synced_at"] is not None
    url = f"{BASE}/{conversation['id']}"

    # New messages arrive; a sync through the rule adds only those, once.
    await _send(sandbox, buyer, me, "Or Friday?")
    await _send(sandbox, other, me, "Do you ship abroad?")
    rule_id = await rule(client, person, account, "inbox_sync")
    await run_now(app, client, person, rule_id)
    await run_now(app, client, person, rule_id)
    by_user = {c["with_user"]: c for c in (await client.get(BASE, headers=person.headers)).json()["items"]}
    assert (by_user[buyer]["unread_count"], by_user[other]["unread_count"]) == (3, 1)
    bodies = [m["body"] for m in (await client.get(f"{url}/messages", headers=person.headers)).json()["items"]]
    assert bodies == ["Hello! Is the lamp still available?", "I could pick it up tomorrow.", "Or Friday?"]

    assert (await client.post(f"{url}/read", headers=person.headers)).json()["unread_count"] == 0
    reply = await job_done(
        app, person, await client.post(f"{url}/reply", headers=person.headers, json={"text": "Friday works, see you!"})
    )
    assert reply.status == "succeeded", reply.error
    on_sandbox = [m for m in await sandbox.messages(me, buyer) if m["body"] == "Friday works, see you!"]
    assert len(on_sandbox) == 1
    assert on_sandbox[0]["sender"] == me
    thread = (await client.get(f"{url}/messages", headers=person.headers)).json()["items"]
    assert (thread[-1]["body"], thread[-1]["outgoing"], thread[-1]["sender"]) == ("Friday works, see you!", True, me)
    assert len(thread) == 4
    after = (await client.get(BASE, headers=person.headers)).json()
    assert {c["with_user"]: c["unread_count"] for c in after["items"]}[buyer] == 0

    assert (await client.get(f"{url}/messages", headers=stranger.headers)).status_code == 404
    stranger_sync = await client.post(f"{BASE}/sync", headers=stranger.headers, json={"account_id": account})
    assert stranger_sync.status_code == 404
