"""Sales: a user buys an item (the control API arranges it), and the seller's record of what sold.

Like a real marketplace, the shop tells the seller at once: its own account (`orders`, see `rules.py`)
sends them an order notice, in the same transaction as the sale, dated when the sale was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.sandbox.store.listings import Listings
from backend.sandbox.store.messages import INSERT_MESSAGE
from backend.sandbox.store.rules import StoreError, format_price
from backend.sandbox.store.users import system_user_id


@dataclass(frozen=True)
class Sale:
    id: int
    item_id: int
    title: str
    price_cents: int
    seller: str
    buyer: str
    sold_at: str

    @property
    def price(self) -> str:
        return format_price(self.price_cents)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "item_id": self.item_id,
            "title": self.title,
            "price": self.price,
            "seller": self.seller,
            "buyer": self.buyer,
            "sold_at": self.sold_at,
        }


_SALE_SELECT = """
SELECT s.id, s.item_id, s.title, s.price_cents, su.username AS seller, bu.username AS buyer, s.sold_at
FROM sales s JOIN users su ON su.id = s.seller_id JOIN users bu ON bu.id = s.buyer_id
"""


class Sales(Listings):
    """One sale per item; the item is marked sold in the same transaction."""

    def buy(
        self, item_id: int, buyer_id: int, *, shop: str, price_cents: int | None = None, at: str | None = None
    ) -> Sale:
        """`buyer_id` buys the item, at its price unless another is given (an accepted offer), now unless `at`;
        the seller gets the order notice signed by `shop` (the shop's name)."""
        when = at or self.now()
        with self._tx() as db:
            item = db.execute(
                "SELECT seller_id, title, price_cents, sold FROM items WHERE id = ?", (item_id,)
            ).fetchone()
            if item is None:
                raise StoreError("No such listing.")
            if item["seller_id"] == buyer_id:
                raise StoreError("A seller can't buy their own listing.")
            if item["sold"]:
                raise StoreError("This listing is sold already.")
            paid = item["price_cents"] if price_cents is None else price_cents
            cursor = db.execute(
                "INSERT INTO sales (item_id, seller_id, buyer_id, title, price_cents, sold_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (item_id, item["seller_id"], buyer_id, item["title"], paid, when),
            )
            db.execute("UPDATE items SET sold = 1 WHERE id = ?", (item_id,))
            buyer = db.execute("SELECT username FROM users WHERE id = ?", (buyer_id,)).fetchone()
            notice = order_notice(item["title"], item_id, buyer["username"], paid, shop)
            db.execute(INSERT_MESSAGE, (system_user_id(db, when), item["seller_id"], notice, when))
        sale_id = cursor.lastrowid
        assert sale_id is not None
        found = self._one(_SALE_SELECT + " WHERE s.id = ?", (sale_id,))
        assert found is not None
        return _sale(found)

    def sale_of_item(self, item_id: int) -> Sale | None:
        row = self._one(_SALE_SELECT + " WHERE s.item_id = ?", (item_id,))
        return _sale(row) if row else None

    def sales_of(self, username: str) -> list[Sale]:
        """What `username` sold, latest first (kept after the item itself is deleted)."""
        rows = self._query(_SALE_SELECT + " WHERE su.username = ? ORDER BY s.sold_at DESC, s.id DESC", (username,))
        return [_sale(r) for r in rows]


def order_notice(title: str, item_id: int, buyer: str, price_cents: int, shop: str) -> str:
    """What the shop's own account writes to the seller when their item is bought (the API reads it back by
    its pattern in `backend/platforms/drivers/selectors/sandbox.json`: keep the two in step)."""
    price = format_price(price_cents)
    return (
        f"Order confirmed: \u201c{title}\u201d (item #{item_id}) was bought by {buyer} for {price} €."
        f" Please send it within 5 days. \u2014 {shop}"
    )


def _sale(row: Any) -> Sale:
    return Sale(
        id=row["id"],
        item_id=row["item_id"],
        title=row["title"],
        price_cents=row["price_cents"],
        seller=row["seller"],
        buyer=row["buyer"],
        sold_at=row["sold_at"],
    )
