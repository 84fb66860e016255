"""Messages as a platform account: send one, read the inbox and a thread, and tell a sale notice from a message.

Re-exported by the facade (`backend.platforms.service`), which other domains use; kept apart so the
facade stays one screenful per concern.
"""

from __future__ import annotations

from backend.platforms.drivers import notices
from backend.platforms.drivers.base import Conversation, Message
from backend.platforms.runtime import actions
from backend.platforms.runtime.sessions import AccountSession

SaleNotice = notices.SaleNotice


async def send_message(session: AccountSession, username: str, text: str) -> None:
    """Send `text` to `username`. One daily action. After an unknown outcome (a timeout) the conversation
    is checked before any new try, so the message appears once."""
    await session.count_action()
    await actions.send_message(session.driver, username, text, sender=session.username)


async def read_inbox(session: AccountSession) -> list[Conversation]:
    """The account's conversations, latest first: with whom, last message and its time, unread count."""
    return await actions.read(session.driver.read_inbox, "reading the inbox")


async def read_conversation(session: AccountSession, username: str) -> list[Message]:
    """The thread with `username`, oldest first (sender, body, `sent_at`, the platform's `message_id`).

    Reading it marks it read on the platform, like opening it in a browser.
    """
    return await actions.read(lambda: session.driver.read_conversation(username), f"reading the thread with {username}")


def sale_in_message(platform: str, sender: str, body: str) -> SaleNotice | None:
    """The sale a message announces (item_id, buyer, price, currency) when `sender` is the platform's own
    account and `body` its sale notice; None otherwise — the same words from a person are not a sale.
    The words are data (`drivers/selectors/<platform>.json`, `sale_notice`); Vinted's are unverified."""
    return notices.sale_in_message(platform, sender, body)
