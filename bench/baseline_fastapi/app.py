"""The baseline for `bench/api_list.py`: FastAPI + SQLAlchemy 2 async (asyncpg) + PyJWT + redis-py.

It serves the one endpoint the benchmark asks for, `GET /api/v1/listings`, doing
the same work as Sellpilot's: verify the bearer JWT (HS256, issuer, required
claims, token type), look its `jti` and session up on the Redis denylist, load
the caller's membership in the token's workspace (joined to the user: active,
not paused), read one page of the workspace's listings and count them all, and
answer the same JSON, byte for byte. It is written the way a FastAPI project
usually is: declarative models, a session per request from a dependency, a
pydantic response model.

Configured from the same environment as the API: DATABASE_URL, REDIS_URL,
REDIS_KEY_PREFIX, SECRET_KEY, DATABASE_POOL_MAX_SIZE.
Run: `uvicorn bench.baseline_fastapi.app:app`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import jwt
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from pydantic import BaseModel
from redis.asyncio import Redis
from sqlalchemy import JSON, Boolean, DateTime, Numeric, String, Text, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

DATABASE_URL = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+asyncpg://", 1)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
KEY_PREFIX = os.environ["REDIS_KEY_PREFIX"]
SECRET_KEY = os.environ["SECRET_KEY"]
POOL_SIZE = int(os.environ.get("DATABASE_POOL_MAX_SIZE", "10"))
ISSUER = "sellpilot"


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    is_active: Mapped[bool] = mapped_column(Boolean)
    is_superuser: Mapped[bool] = mapped_column(Boolean)


class Membership(Base):
    __tablename__ = "memberships"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    workspace: Mapped[uuid.UUID]
    user: Mapped[uuid.UUID]
    role: Mapped[str] = mapped_column(String(16))
    paused: Mapped[bool] = mapped_column(Boolean)


class Listing(Base):
    __tablename__ = "listings"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    workspace: Mapped[uuid.UUID]
    status: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    category: Mapped[str] = mapped_column(String(100))
    brand: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[str | None] = mapped_column(String(100))
    condition: Mapped[str] = mapped_column(String(32))
    colours: Mapped[list[str]] = mapped_column(JSON)
    materials: Mapped[list[str]] = mapped_column(JSON)
    keywords: Mapped[list[str]] = mapped_column(JSON)
    media_ids: Mapped[list[str]] = mapped_column(JSON)
    account_id: Mapped[uuid.UUID | None]
    platform_item_id: Mapped[str | None] = mapped_column(String(255))
    platform_url: Mapped[str | None] = mapped_column(String(1000))
    ai_provider: Mapped[str | None] = mapped_column(String(32))
    source_job: Mapped[uuid.UUID | None]
    source_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ListingOut(BaseModel):
    id: uuid.UUID
    status: Literal["draft", "published", "archived"]
    title: str
    description: str
    price: float
    currency: str
    category: str
    brand: str | None
    size: str | None
    condition: str
    colours: list[str]
    materials: list[str]
    keywords: list[str]
    media_ids: list[uuid.UUID]
    account_id: uuid.UUID | None
    platform_item_id: str | None
    platform_url: str | None
    ai_provider: str | None
    source_job_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class ListingPage(BaseModel):
    items: list[ListingOut]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    email: str
    is_superuser: bool
    workspace_id: uuid.UUID
    role: str


engine = create_async_engine(DATABASE_URL, pool_size=POOL_SIZE, max_overflow=0)
sessions = async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.redis = Redis.from_url(REDIS_URL)
    yield
    await app.state.redis.aclose()
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


def unauthorized() -> HTTPException:
    return HTTPException(status_code=401, detail="Invalid token", headers={"WWW-Authenticate": "Bearer"})


async def current_principal(request: Request, session: Annotated[AsyncSession, Depends(get_session)]) -> Principal:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not encoded:
        raise unauthorized()
    try:
        claims: dict[str, Any] = jwt.decode(
            encoded,
            SECRET_KEY,
            algorithms=["HS256"],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "jti", "iss"]},
        )
        extras = claims.get("extras") or {}  # Litestar's Token keeps its extra claims under `extras`
        user_id = uuid.UUID(claims["sub"])
        workspace_id = uuid.UUID(str(extras.get("ws")))
    except (jwt.PyJWTError, ValueError, AttributeError) as exc:
        raise unauthorized() from exc
    if extras.get("typ") != "access" or not isinstance(claims["jti"], str):
        raise unauthorized()
    keys = [f"{KEY_PREFIX}:auth:denied-jti:{claims['jti']}"]
    if isinstance(extras.get("sid"), str):
        keys.append(f"{KEY_PREFIX}:auth:denied-sid:{extras['sid']}")
    if await request.app.state.redis.exists(*keys):
        raise unauthorized()
    row = (
        await session.execute(
            select(Membership.role, User.email, User.is_superuser)
            .join(User, User.id == Membership.user)
            .where(
                Membership.workspace == workspace_id,
                Membership.user == user_id,
                Membership.paused.is_(False),
                User.is_active.is_(True),
            )
            .limit(1)
        )
    ).first()
    if row is None:
        raise unauthorized()
    return Principal(user_id, row.email, row.is_superuser, workspace_id, row.role)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/api/v1/listings", response_model=ListingPage)
async def list_listings(
    principal: Annotated[Principal, Depends(current_principal)],
    session: Annotated[AsyncSession, Depends(get_session)],
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> ListingPage:
    where = Listing.workspace == principal.workspace_id
    rows = (
        await session.scalars(
            select(Listing).where(where).order_by(Listing.created_at.desc(), Listing.id).limit(limit).offset(offset)
        )
    ).all()
    total = await session.scalar(select(func.count()).select_from(Listing).where(where))
    items = [
        ListingOut(
            id=row.id,
            status=row.status,  # type: ignore[arg-type]
            title=row.title,
            description=row.description,
            price=float(row.price),
            currency=row.currency,
            category=row.category,
            brand=row.brand,
            size=row.size,
            condition=row.condition,
            colours=row.colours,
            materials=row.materials,
            keywords=row.keywords,
            media_ids=[uuid.UUID(m) for m in row.media_ids],
            account_id=row.account_id,
            platform_item_id=row.platform_item_id,
            platform_url=row.platform_url,
            ai_provider=row.ai_provider,
            source_job_id=row.source_job,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )
        for row in rows
    ]
    return ListingPage(items=items, total=total or 0, limit=limit, offset=offset)
