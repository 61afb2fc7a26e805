"""CLI commands that need the answer chain or the server (registered separately to keep
`camnang ingest` importable without the serving stack): `serve` and `keys`."""

from __future__ import annotations

import argparse
import logging
import sys

from assistant.settings import get_settings


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings().with_dirs(knowledge=args.knowledge, index=args.index)
    overrides = {
        k: v
        for k, v in {"host": args.host, "port": args.port, "workers": args.workers}.items()
        if v is not None
    }
    settings = settings.model_copy(update=overrides)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    if settings.auth_disabled:
        logging.getLogger("camnang").warning(
            "!!! CAMNANG_AUTH_DISABLED=true — API without keys, for local development only !!!"
        )
    if not settings.auth_disabled and not _keystore(settings).list():
        print(
            "Chưa có khoá API nào: trang web vẫn dùng được; để gọi API hãy tạo khoá bằng "
            "`camnang keys create --role reader|admin`.",
            flush=True,
        )
    url = f"http://{settings.host}:{settings.port}/"
    print(f"Trợ lý nghiệp vụ cơ sở: {url}  (API: {url}docs)", flush=True)
    if settings.workers > 1:
        if args.knowledge or args.index:
            print(
                "Lỗi: --knowledge/--index chỉ dùng được với 1 worker; đặt CAMNANG_KNOWLEDGE_DIR/"
                "CAMNANG_INDEX_DIR thay thế.",
                file=sys.stderr,
            )
            return 2
        uvicorn.run(
            "assistant.server.app:create_app_from_env",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_level="info",
        )
        return 0
    from assistant.server.app import create_app

    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    return 0


def _keystore(settings=None):
    from assistant.server.auth import KeyStore
    from assistant.server.db import Database

    return KeyStore(Database((settings or get_settings()).resolved_database_url))


def cmd_keys_create(args: argparse.Namespace) -> int:
    info, key = _keystore().create(args.role, args.name or "")
    print(f"Đã tạo khoá {info.id} (quyền {info.role}{', ' + info.name if info.name else ''}).")
    print("Khoá API (chỉ hiển thị MỘT lần, hãy lưu lại ngay):", file=sys.stderr)
    print(key)
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    if _keystore().revoke(args.key_id):
        print(f"Đã thu hồi khoá {args.key_id}.")
        return 0
    print(f"Không có khoá đang hoạt động với mã {args.key_id}.", file=sys.stderr)
    return 1


def cmd_keys_list(args: argparse.Namespace) -> int:  # noqa: ARG001
    keys = _keystore().list()
    if not keys:
        print("Chưa có khoá nào. Tạo khoá: camnang keys create --role reader|admin [--name TÊN]")
        return 0
    for k in keys:
        state = f"thu hồi {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "đang dùng"
        used = f", dùng lần cuối {k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else ""
        print(
            f"{k.id}  {k.role:<6}  {state:<22}  tạo {k.created_at:%Y-%m-%d %H:%M}{used}  {k.name}"
        )
    return 0


def register(sub, corpus_args) -> None:
    p = sub.add_parser("serve", help="start the API and the web page")
    corpus_args(p)
    p.add_argument("--host", help="address to listen on (default from settings: 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default from settings: 8000)")
    p.add_argument("--workers", type=int, help="worker processes (default from settings)")
    p.set_defaults(func=cmd_serve)

    keys = sub.add_parser("keys", help="manage API keys")
    ksub = keys.add_subparsers(dest="keys_command", required=True)
    p = ksub.add_parser("create", help="create a key and print it once")
    p.add_argument("--role", choices=["reader", "admin"], required=True)
    p.add_argument("--name", default="", help="who or what the key is for")
    p.set_defaults(func=cmd_keys_create)
    p = ksub.add_parser("revoke", help="revoke a key by its id")
    p.add_argument("key_id")
    p.set_defaults(func=cmd_keys_revoke)
    p = ksub.add_parser("list", help="list keys (never the keys themselves)")
    p.set_defaults(func=cmd_keys_list)
