"""The `comments` command: serve, demo, migrate, worker, and the publisher's scripted chores.

Settings come from `COMMENTS_*` variables, read once here; a wrong one stops the start
with one line naming it. `uvicorn_options` holds the server's limits against hostile
clients and its logging (an access log without query strings, which carry login codes),
the same for `serve` and `demo`.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import csv
import importlib
import logging
import os
import secrets
import sys
import tempfile
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import ValidationError

from comments.app import app_from_environment, build_service, create_app
from comments.errors import ApiError
from comments.http.access_log import ACCESS_LOGGER, QueryFreeAccessLog
from comments.http.log_format import JsonLines
from comments.http.server import HEAD_LIMIT, BoundedHttpTools
from comments.importing import native
from comments.importing.records import ImportFailed
from comments.importing.writer import Importer, Options, Summary, read_file
from comments.models import SitePolicy
from comments.service import Service
from comments.settings import Settings, SettingsError, load_settings, require_secret
from comments.storage.migrate import current_revision, head_revision, upgrade

T = TypeVar("T")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="comments", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the production server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)

    demo = commands.add_parser("demo", help="run the demo article with the dev login")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--host", default="127.0.0.1")

    commands.add_parser("migrate", help="bring the database schema up to date")
    commands.add_parser(
        "worker", help="deliver e-mails and webhooks (with COMMENTS_WORKER=external)"
    )

    sites = commands.add_parser("sites", help="manage sites").add_subparsers(
        dest="action", required=True
    )
    add = sites.add_parser("add", help="add a site")
    add.add_argument("name")
    add.add_argument("--origin", action="append", required=True, dest="origins")
    update = sites.add_parser("update", help="change a site")
    update.add_argument("name")
    update.add_argument("--origin", action="append", dest="origins")
    update.add_argument("--sso-secret")
    update.add_argument("--premod", choices=["off", "new", "all"])
    update.add_argument("--max-links", type=int)
    update.add_argument("--edit-window", type=int, help="seconds")
    update.add_argument("--reply-depth", type=int)
    update.add_argument("--auto-close-days", type=int)
    tiers = ["publish", "mask", "hold", "reject"]
    for tier in ("mild", "strong", "slur"):
        update.add_argument(f"--profanity-{tier}", choices=tiers, help=f"for {tier} words")
    update.add_argument(
        "--languages", help="built-in lists that apply, comma-separated (en,ru,uk,be)"
    )
    sites.add_parser("list", help="list sites")

    roles = commands.add_parser("roles", help="manage roles").add_subparsers(
        dest="action", required=True
    )
    grant = roles.add_parser("grant", help="grant a role on a site")
    grant.add_argument("--site", required=True)
    grant.add_argument("--user", required=True)
    grant.add_argument("--role", required=True, choices=["moderator", "admin"])

    tokens = commands.add_parser("tokens", help="API tokens").add_subparsers(
        dest="action", required=True
    )
    create = tokens.add_parser("create", help="create a bearer token (printed last)")
    create.add_argument("--site", required=True)
    create.add_argument("--user", required=True)
    create.add_argument("--name")
    create.add_argument("--role", choices=["moderator", "admin"])

    cache = commands.add_parser("cache", help="the shared page cache").add_subparsers(
        dest="action", required=True
    )
    flush = cache.add_parser(
        "flush", help="empty the page cache: all of it, a site's, or a thread's (with --site)"
    )
    flush.add_argument("--site")
    flush.add_argument("--thread", help="a thread key; needs --site")

    imports = commands.add_parser("import", help="import another system's comments")
    imports.add_argument("format", choices=IMPORT_FORMATS)
    imports.add_argument("file", type=Path)
    imports.add_argument("--site", required=True)
    imports.add_argument(
        "--map-url",
        action="append",
        default=[],
        metavar="OLD=NEW",
        help="move article URLs starting with OLD onto NEW (repeatable)",
    )
    imports.add_argument(
        "--map-thread", type=Path, metavar="CSV", help="a CSV of: source key, our thread key"
    )
    imports.add_argument("--dry-run", action="store_true", help="report, write nothing")
    imports.add_argument(
        "--moderate",
        action="store_true",
        help="run the site's content filters over published comments; hold what they hold",
    )

    export = commands.add_parser("export", help="write a site's full export (JSON lines)")
    export.add_argument("file", type=Path)
    export.add_argument("--site", required=True)
    export.add_argument(
        "--with-emails", action="store_true", help="include readers' e-mail addresses"
    )
    return parser


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """What argparse cannot say: a thread key is unique only within its site."""
    if args.command == "cache" and args.thread is not None and args.site is None:
        parser.error("cache flush: --thread needs --site (a thread key belongs to one site)")


def _with_service(settings: Settings, work: Callable[[Service], Awaitable[T]]) -> T:
    async def run() -> T:
        service = build_service(settings)
        try:
            return await work(service)
        finally:
            await service.close()

    return asyncio.run(run())


def _policy_changes(args: argparse.Namespace, current: SitePolicy) -> SitePolicy | None:
    changes = {
        "premoderation": args.premod,
        "max_links": args.max_links,
        "edit_window_seconds": args.edit_window,
        "reply_depth": args.reply_depth,
        "auto_close_days": args.auto_close_days,
        "profanity_mild": args.profanity_mild,
        "profanity_strong": args.profanity_strong,
        "profanity_slur": args.profanity_slur,
        "profanity_languages": [code.strip() for code in args.languages.split(",") if code.strip()]
        if args.languages is not None
        else None,
    }
    given = {k: v for k, v in changes.items() if v is not None}
    if not given:
        return None
    try:
        return SitePolicy.model_validate(current.model_dump() | given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors()
        )
        raise SettingsError(f"sites update: {problems}") from None


def _sites(settings: Settings, args: argparse.Namespace) -> None:
    async def work(service: Service) -> None:
        if args.action == "add":
            site = await service.sites.create(args.name, args.origins)
            print(f"added site {site.name}: {', '.join(site.origins)}")
        elif args.action == "update":
            site = await service.sites.get(args.name)
            site = await service.sites.update(
                args.name,
                origins=args.origins,
                policy=_policy_changes(args, site.policy),
                sso_secret=args.sso_secret,
            )
            print(f"updated site {site.name}: {', '.join(site.origins)}")
        else:
            for site in await service.sites.all():
                print(f"{site.name}\t{' '.join(site.origins)}\tpremod={site.policy.premoderation}")

    _with_service(settings, work)


def _roles(settings: Settings, args: argparse.Namespace) -> None:
    async def work(service: Service) -> None:
        await service.sites.grant(args.site, args.user, args.role)
        print(f"{args.user} is now {args.role} of {args.site}")

    _with_service(settings, work)


def _tokens(settings: Settings, args: argparse.Namespace) -> None:
    async def work(service: Service) -> str:
        await service.sites.get(args.site)
        user = await service.sites.ensure_user(args.user, args.name)
        if args.role:
            await service.sites.grant(args.site, user.id, args.role)
        return await service.sessions.issue(
            user.id, args.site, kind="api", role=args.role, name=args.name
        )

    token = _with_service(settings, work)
    print(f"token for {args.user} on {args.site}: {token}")


IMPORT_FORMATS = ("disqus", "wordpress", "isso", "remark42", "native")


def _import_options(args: argparse.Namespace) -> Options:
    """The options, or ImportFailed naming what is wrong with them."""
    map_url: list[tuple[str, str]] = []
    for item in args.map_url:
        old, sep, new = item.partition("=")
        if not sep or not old or not new:
            raise ImportFailed(f"--map-url {item!r}: must be OLD=NEW")
        map_url.append((old, new))
    map_thread: dict[str, str] = {}
    if args.map_thread is not None:
        try:
            with args.map_thread.open(newline="", encoding="utf-8") as handle:
                for number, row in enumerate(csv.reader(handle), 1):
                    if len(row) != 2 or not row[0] or not row[1]:
                        raise ImportFailed(
                            f"{args.map_thread} line {number}: must be two columns, "
                            "the source's key and ours"
                        )
                    map_thread[row[0]] = row[1]
        except OSError as exc:
            raise ImportFailed(f"{args.map_thread}: {exc.strerror}") from None
    return Options(
        site=args.site,
        source=args.format,
        map_url=tuple(map_url),
        map_thread=map_thread,
        dry_run=args.dry_run,
        moderate=args.moderate,
    )


def _export(settings: Settings, args: argparse.Namespace) -> int:
    _require_current_schema(settings)

    async def work(service: Service) -> dict[str, int]:
        return await native.export_site(
            service, args.site, args.file, sys.stderr, with_emails=args.with_emails
        )

    try:
        counts = _with_service(settings, work)
    except OSError as exc:
        print(f"comments: {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    print("exported: " + ", ".join(f"{n:,} {table}" for table, n in counts.items()))
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    async def work(service: Service) -> dict[str, int]:
        return await native.restore_site(service, args.site, args.file, sys.stderr)

    try:
        with args.file.open("rb") as handle:
            if not native.sniff(handle.read(4096)):
                raise ImportFailed(f"{args.file}: this is not one of our exports")
        counts = _with_service(settings, work)
    except ImportFailed as exc:
        print(f"comments: import failed, nothing written: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"comments: {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    print("restored: " + ", ".join(f"{n:,} {table}" for table, n in counts.items()))
    return 0


def _import(settings: Settings, args: argparse.Namespace) -> int:
    _require_current_schema(settings)
    if args.format == "native":
        return _restore(settings, args)
    try:
        options = _import_options(args)
        reader = importlib.import_module(f"comments.importing.{args.format}")
        with args.file.open("rb") as handle:
            head = handle.read(4096)
        if not reader.sniff(head):
            raise ImportFailed(f"{args.file}: this is not a {args.format} export")

        # A reader that leaves things out on purpose (WordPress pingbacks) counts them.
        source = reader.Reader(args.file) if hasattr(reader, "Reader") else reader

        async def work(service: Service) -> Summary:
            importer = Importer(service, options, sys.stderr)
            records = read_file(source, args.file)
            done = await importer.run(records)
            for reason, count in getattr(source, "skipped", {}).items():
                done.skipped[reason] += count
            return done

        summary = _with_service(settings, work)
    except ImportFailed as exc:
        print(f"comments: import failed, nothing written: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"comments: {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    for line in summary.lines(options.dry_run):
        print(line)
    return 0


def _cache(settings: Settings, args: argparse.Namespace) -> int:
    if settings.redis_url is None:
        print(
            "comments: without COMMENTS_REDIS_URL each server process keeps its own page "
            "cache, out of this command's reach: restarting the server empties it",
            file=sys.stderr,
        )
        return 1

    async def work(service: Service) -> int:
        if args.site is not None:
            await service.sites.get(args.site)  # a mistyped name is an error, not "0 flushed"
        return await service.flush_cache(args.site, args.thread)

    dropped = _with_service(settings, work)
    if args.site is None:
        scope = "every site"
    elif args.thread is None:
        scope = f"site {args.site}"
    else:
        scope = f"thread {args.thread} of site {args.site}"
    noun = "entry" if dropped == 1 else "entries"
    print(f"flushed {dropped} cached {noun} ({scope})")
    return 0


def _require_current_schema(settings: Settings) -> None:
    current = asyncio.run(current_revision(settings.database_url))
    if current != head_revision():
        raise SystemExit("the database schema is not up to date: run `comments migrate` first")


def access_log_config(log_format: str = "text") -> dict[str, Any]:
    """uvicorn's own logging, with every query cut from the access log's paths.

    With `json`, every formatter writes JSON lines and the root logger (the service's
    own lines) goes to the same stream: each worker process sets this up for itself.
    """
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["query_free"] = {"()": QueryFreeAccessLog}
    # On the logger, not a handler: every handler (the operator's too) gets the cut path.
    config["loggers"][ACCESS_LOGGER]["filters"] = ["query_free"]
    if log_format == "json":
        for name in config["formatters"]:
            config["formatters"][name] = {"()": JsonLines}
        config["root"] = {"handlers": ["default"], "level": "INFO"}
    return config


def uvicorn_options(log_format: str = "text") -> dict[str, Any]:
    """Server limits against hostile clients, shared by `serve` and `demo`."""
    return {
        # The callback's `code` and `state` are secrets: paths are logged without queries.
        "log_config": access_log_config(log_format),
        # httptools, with the head limit it lacks (431 past 64 KiB) and a head deadline.
        "http": BoundedHttpTools,
        # The same limit, should h11 be chosen instead (`http="h11"`).
        "h11_max_incomplete_event_size": HEAD_LIMIT,
        "timeout_keep_alive": 5,
        # Open event streams must not hold a restart up for long.
        "timeout_graceful_shutdown": 3,
        # X-Forwarded-For counts only from COMMENTS_TRUSTED_PROXIES, which we read ourselves.
        "proxy_headers": False,
        "server_header": False,
        # No WebSocket routes: nothing to upgrade to.
        "ws": "none",
    }


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    require_secret(settings)
    _require_current_schema(settings)
    options = uvicorn_options(settings.log_format) | {
        "host": args.host,
        "port": args.port,
        "log_level": settings.log_level,
    }
    if args.workers > 1:
        # The workers' traffic series go to files in a fresh directory, read together
        # by whichever worker a scrape reaches; set before any worker starts.
        with tempfile.TemporaryDirectory(prefix="comments-metrics-") as metrics_dir:
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
            try:
                uvicorn.run(
                    f"{app_from_environment.__module__}:{app_from_environment.__name__}",
                    factory=True,
                    workers=args.workers,
                    **options,
                )
            finally:
                del os.environ["PROMETHEUS_MULTIPROC_DIR"]
    else:
        uvicorn.run(create_app(settings), **options)


def _demo(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    upgrade(settings.database_url)
    print(f"The demo article: {settings.public_url}/", flush=True)
    uvicorn.run(
        create_app(settings, demo=True),
        **uvicorn_options(settings.log_format),
        host=args.host,
        port=args.port,
        log_level=settings.log_level,
    )


def _worker(settings: Settings) -> int:
    from comments import app

    run_worker = getattr(app, "run_worker", None)  # absent from builds without e-mail and webhooks
    if run_worker is None:
        print("comments: this version has no delivery worker to run", file=sys.stderr)
        return 2
    if settings.smtp_host:
        # The worker signs the links in the mails it sends; the web processes check them.
        try:
            require_secret(settings)
        except SettingsError as exc:
            print(f"comments: {exc}", file=sys.stderr)
            return 2
    _require_current_schema(settings)
    work = cast(Callable[[Settings], Coroutine[Any, Any, None]], run_worker)
    try:
        asyncio.run(work(settings))
    except KeyboardInterrupt:
        pass
    return 0


def _demo_settings(args: argparse.Namespace) -> Settings:
    """The demo's defaults: its own URL on the chosen port and a throwaway secret."""
    overrides: dict[str, object] = {}
    if "COMMENTS_PUBLIC_URL" not in os.environ:
        host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host  # noqa: S104
        overrides["public_url"] = f"http://{host}:{args.port}"
    if "COMMENTS_SECRET_KEY" not in os.environ:
        overrides["secret_key"] = secrets.token_urlsafe(32)
    return load_settings(overrides)


def _configure_logging(settings: Settings) -> None:
    """The command's own lines: `LEVEL message`, or JSON lines with COMMENTS_LOG_FORMAT=json."""
    level = settings.log_level.upper()
    if settings.log_format == "json":
        handler = logging.StreamHandler()
        handler.setFormatter(JsonLines())
        logging.basicConfig(level=level, handlers=[handler])
    else:
        logging.basicConfig(level=level, format="%(levelname)s %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; answers the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    _check(parser, args)
    try:
        settings = _demo_settings(args) if args.command == "demo" else load_settings()
        _configure_logging(settings)
        if args.command == "serve":
            _serve(settings, args)
        elif args.command == "demo":
            _demo(settings, args)
        elif args.command == "migrate":
            upgrade(settings.database_url)
            print(f"database schema at revision {head_revision()}")
        elif args.command == "worker":
            return _worker(settings)
        elif args.command == "sites":
            _sites(settings, args)
        elif args.command == "roles":
            _roles(settings, args)
        elif args.command == "tokens":
            _tokens(settings, args)
        elif args.command == "cache":
            return _cache(settings, args)
        elif args.command == "import":
            return _import(settings, args)
        elif args.command == "export":
            return _export(settings, args)
    except SettingsError as exc:
        print(f"comments: {exc}", file=sys.stderr)
        return 2
    except ApiError as exc:
        print(f"comments: {exc.message}", file=sys.stderr)
        return 1
    return 0
