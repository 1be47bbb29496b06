"""Who may use the workbench and what each role may do: users, passwords, sessions.

Roles rise in power: a viewer reads, a clerk decides review items and records
what customers said, a controller also pins segments and exports the audit
log, an admin also manages users. The CLI acts as an admin: whoever has the
shell has the database.
"""

from __future__ import annotations

import getpass
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine

from dunwell.connectors import storage
from dunwell.connectors.storage import people
from dunwell.connectors.storage.models import utcnow
from dunwell.errors import Forbidden, InputError

ROLES = ("viewer", "clerk", "controller", "admin")
PERMISSIONS = {  # action -> the least role that may take it
    "view": "viewer",
    "review.decide": "clerk",
    "customer.hold": "clerk",
    "invoice.dispute": "clerk",
    "invoice.promise": "clerk",
    "dunning.approve": "clerk",
    "payment_plan": "clerk",
    "customer.pin": "controller",
    "runs.start": "controller",
    "audit.export": "controller",
    "users.manage": "admin",
}
SESSION_HOURS = 8
MIN_PASSWORD = 10
_hasher = PasswordHasher()


@dataclass(frozen=True)
class Actor:
    """The person behind a decision: their name, role, and whether from the shell or the web."""

    name: str
    role: str
    via: str = "web"


@dataclass(frozen=True)
class SignedIn:
    """A live workbench session: the person and the CSRF token their forms must carry."""

    actor: Actor
    csrf_token: str


def cli_actor() -> Actor:
    """The shell user, with an admin's rights."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        name = "shell"
    return Actor(name, "admin", "cli")


def may(actor: Actor, action: str) -> bool:
    """True when the actor's role reaches the least role the action needs."""
    needed = PERMISSIONS[action]
    return actor.role in ROLES and ROLES.index(actor.role) >= ROLES.index(needed)


def require(actor: Actor, action: str) -> None:
    """Forbidden unless the actor may take the action."""
    if not may(actor, action):
        raise Forbidden(f"{actor.name} ({actor.role}) may not {action}")


NO_PASSWORD = "!single-sign-on"  # no argon2 hash: a password never signs this user in


def add_user(engine: Engine, by: Actor, name: str, role: str, password: str | None) -> bool:
    """Create a user or reset one's role and password (their sessions end); True if new.
    Without a password (None) the user signs in only through single sign-on."""
    require(by, "users.manage")
    name = name.strip()
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise InputError("NAME", "a user name is one word of at most 100 characters")
    if role not in ROLES:
        raise InputError("--role", f"{role!r} is not a role (one of {', '.join(ROLES)})")
    if password is not None and len(password) < MIN_PASSWORD:
        raise InputError("password", f"at least {MIN_PASSWORD} characters, please")
    stored = NO_PASSWORD if password is None else _hasher.hash(password)
    with storage.transaction(engine) as session:
        created = people.save_user(session, name, role, stored)
        people.record_audit(session, actor=by.name, role=by.role, via=by.via,
                            action="user.add" if created else "user.reset", subject=name,
                            detail=f"role {role}")
    return created


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(engine: Engine, name: str, password: str) -> tuple[str, SignedIn] | None:
    """Check the password; on success a new session cookie value and who it is. None if wrong.

    A wrong name costs a hash verification too, so timing does not tell names apart.
    """
    with storage.transaction(engine) as session:
        user = people.get_user(session, name)
        stored = user.password_hash if user else _hasher.hash("not a user's password")
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None:
            return None
        if _hasher.check_needs_rehash(stored):
            people.set_password_hash(session, name, _hasher.hash(password))
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        people.open_session(session, _token_hash(token), name, csrf,
                            utcnow() + timedelta(hours=SESSION_HOURS))
        return token, SignedIn(Actor(user.name, user.role), csrf)


def session_of(engine: Engine, token: str | None) -> SignedIn | None:
    """Who a session cookie belongs to, or None when missing, unknown or expired."""
    if not token:
        return None
    with storage.transaction(engine) as session:
        found = people.find_session(session, _token_hash(token))
        if found is None:
            return None
        web_session, user = found
        return SignedIn(Actor(user.name, user.role), web_session.csrf_token)


@dataclass(frozen=True)
class HeaderAuth:
    """Single sign-on through a reverse proxy: the proxy authenticates and names the user
    in `header`; only requests whose peer address is in `proxies` are believed."""

    header: str
    proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    @classmethod
    def of(cls, header: str, proxies: list[str]) -> HeaderAuth:
        """From the settings' header name and proxy addresses or networks."""
        return cls(header, tuple(ipaddress.ip_network(p, strict=False) for p in proxies))

    def trusts(self, address: str | None) -> bool:
        """True when the request came straight from one of the proxies."""
        try:
            peer = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(peer in network for network in self.proxies)


def header_sign_in(engine: Engine, name: str) -> tuple[str, SignedIn] | None:
    """A session for a user the proxy signed in; None when dunwell gives them no role.

    The user must have been added (`dunwell web user add NAME --role ROLE --no-password`):
    single sign-on says who someone is, dunwell's admins say what they may do.
    """
    with storage.transaction(engine) as session:
        user = people.get_user(session, name.strip())
        if user is None or not user.active:
            return None
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        people.open_session(session, _token_hash(token), user.name, csrf,
                            utcnow() + timedelta(hours=SESSION_HOURS))
        return token, SignedIn(Actor(user.name, user.role), csrf)


def sign_out(engine: Engine, token: str | None) -> None:
    """End the session of this cookie."""
    if token:
        with storage.transaction(engine) as session:
            people.close_session(session, _token_hash(token))


def same_token(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a CSRF token."""
    return bool(given) and secrets.compare_digest(expected.encode(), str(given).encode())
