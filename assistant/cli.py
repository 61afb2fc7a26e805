"""`camnang`: ingest, inspect, ask and serve from the command line, and manage API keys.

Every command imports what it needs when it runs, so `camnang ingest` loads no web stack."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from assistant.labels import vn_date
from assistant.settings import Settings, get_settings


def _settings(args: argparse.Namespace) -> Settings:
    return get_settings().with_dirs(
        knowledge=getattr(args, "knowledge", None), index=getattr(args, "index", None)
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant import snapshot_features
    from ingest.pipeline import run_ingest

    settings = _settings(args)
    report = run_ingest(settings.ingest, dry_run=args.dry_run, progress=not args.quiet)
    print(("[dry-run] " if args.dry_run else "") + report.summary())
    if not args.dry_run:  # what a server derives from new segments, ready before it starts
        snapshot_features.warm(settings.index_dir)
    return 0 if report.ok else 1


def cmd_embeddings_export(args: argparse.Namespace) -> int:
    """Write the live index's vectors beside the documents (knowledge/.embeddings/), so a fresh
    machine seeds its cache from them instead of embedding every chunk again."""
    from ingest.embeddings import make_embeddings
    from ingest.prebuilt import export
    from ingest.stores import open_store

    settings = _settings(args)
    embedder = make_embeddings(
        settings.embedding_backend, settings.embedding_model, settings.embedding_device
    )
    path = export(settings.knowledge_dir, settings.index_dir, embedder, open_store(settings.ingest))
    print(f"Đã ghi {path} ({path.stat().st_size // 1024} KB)")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from ingest.stores import open_store

    manifest = open_store(_settings(args).ingest).manifest()
    if manifest is None:
        print("Chưa có chỉ mục. Hãy chạy: camnang ingest", file=sys.stderr)
        return 1
    for doc_id, rec in sorted(manifest.docs.items()):
        m = rec.meta
        print(
            f"{doc_id}\n  {m.get('doc_type') or '?'} {m.get('number') or '(không số)'} — {m['title']}\n"
            f"  {m.get('issuer') or '?'} · {m.get('province') or '?'} · {m.get('date') or '?'} · "
            f"{m.get('status')} · {len(rec.chunk_ids)} đoạn · {rec.source}"
        )
    return 0


def cmd_chunks(args: argparse.Namespace) -> int:
    """Show how a document was understood: its metadata and every chunk with its heading path."""
    from ingest.pipeline import prepare, scan

    settings = _settings(args)
    files, _ = scan(settings.ingest)
    match = [f for f in files if args.doc in (f.doc_id, f.rel, Path(f.rel).name)]
    if not match:
        print(
            f"Không tìm thấy tài liệu «{args.doc}» trong {settings.knowledge_dir}", file=sys.stderr
        )
        return 1
    meta, chunks, _ = prepare(match[0], settings.ingest)
    if args.json:
        print(
            json.dumps(
                {"meta": meta.__dict__, "chunks": [c.__dict__ for c in chunks]},
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    print(f"# {meta.title}")
    for key in (
        "doc_id",
        "number",
        "doc_type",
        "issuer",
        "province",
        "date",
        "fields",
        "status",
        "source",
    ):
        print(f"  {key}: {getattr(meta, key)}")
    print(f"  chunks: {len(chunks)}\n")
    for c in chunks:
        page = f" p.{c.page}" if c.page else ""
        print(f"[{c.index}] {c.start}-{c.end}{page} | {c.section or '(đầu văn bản)'}")
        preview = c.text[: args.width].replace("\n", " ⏎ ")
        print(f"    {preview}{'…' if len(c.text) > args.width else ''}")
    return 0


def format_answer(result, show_passages: bool = False) -> str:
    """The answer as a terminal user reads it: text, then numbered sources."""
    lines = [result.answer, ""]
    if result.citations:
        lines.append("Nguồn:")
        said: dict[tuple[str, ...], int] = {}  # a text's validity lines, by the source giving them
        for c in result.citations:
            number = f"{c.number} — " if c.number else ""
            lines.append(f"  [{c.n}] {number}{c.reference or c.title}")
            if c.section and not c.reference:
                lines.append(f"      {c.section}")
            validity = "; ".join(
                x
                for x in (
                    f"trạng thái: {c.status}" if c.status else "",
                    f"ngày văn bản {vn_date(c.date)}" if c.date else "",
                    f"có hiệu lực từ {vn_date(c.effective)}" if c.effective else "",
                    f"pháp luật cập nhật đến {vn_date(c.legal_as_of)}" if c.legal_as_of else "",
                )
                if x
            )
            about = [f"({validity})" if validity else "", c.version]
            about.append(f"Cần rà soát: {c.review}" if c.review else "")
            key = tuple(about)
            if any(about) and key in said:
                # the same text's status, version and review note, said once
                lines.append(f"      (trạng thái và lưu ý như nguồn [{said[key]}])")
            else:
                said[key] = c.n
                lines.extend(f"      {x}" for x in about if x)
            lines.append(f"      (ký tự {c.start}–{c.end}, tài liệu: {c.doc_id})")
    if result.related:
        lines.append("Điều luật liên quan (căn cứ pháp lý của mục được trích):")
        for r in result.related:
            lines.append(f"  - {r.reference} (xem tài liệu {r.doc_id}, ký tự {r.start}–{r.end})")
    for w in result.warnings:
        lines.append(f"! {w}")
    if show_passages:
        lines.append("\nĐoạn đã tìm:")
        for p in result.retrieved:
            lines.append(f"  {p.rank}. ({p.score:.2f}) {p.doc_id} | {p.section}")
    lines.append(
        f"\n({result.mode}, độ tin cậy {result.confidence:.2f}, {result.timings.total_ms:.0f} ms)"
    )
    return "\n".join(lines)


def _assistant(args: argparse.Namespace):
    from assistant.chain import Assistant

    return Assistant(_settings(args))


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.schemas import AskRequest

    result = _assistant(args).ask(AskRequest(question=args.question, mode=args.mode))
    print(result.model_dump_json(indent=1) if args.json else format_answer(result, args.passages))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """A terminal conversation; follow-ups ("Còn lệ phí thì sao?") keep the topic."""
    from assistant.schemas import HISTORY_TURNS, AskRequest, Turn

    assistant = _assistant(args)
    history: list[Turn] = []
    print("Trợ lý nghiệp vụ cơ sở — gõ câu hỏi, Enter để gửi; 'thoát' hoặc Ctrl-D để kết thúc.")
    while True:
        try:
            question = input("\nHỏi: ").strip()
        except EOFError:
            print()
            return 0
        if question.lower() in {"thoát", "thoat", "exit", "quit"}:
            return 0
        if not question:
            continue
        result = assistant.ask(
            AskRequest(question=question, history=history[-HISTORY_TURNS:], mode=args.mode)
        )
        print("\n" + format_answer(result))
        history.append(Turn(question=question, answer=result.answer))


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="camnang", description="Trợ lý nghiệp vụ cơ sở")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    def corpus_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--knowledge", type=Path, help="knowledge folder (default from settings)")
        p.add_argument("--index", type=Path, help="index folder (default from settings)")

    p = sub.add_parser("ingest", help="bring the index up to date with the knowledge folder")
    corpus_args(p)
    p.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("embeddings", help="the prebuilt embedding file shipped in knowledge/")
    esub = p.add_subparsers(dest="embeddings_command", required=True)
    p = esub.add_parser("export", help="write the live index's vectors to knowledge/.embeddings/")
    corpus_args(p)
    p.set_defaults(func=cmd_embeddings_export)

    p = sub.add_parser("docs", help="list indexed documents")
    corpus_args(p)
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("chunks", help="print a document's metadata and chunks")
    corpus_args(p)
    p.add_argument("doc", help="document id or file name")
    p.add_argument("--width", type=int, default=100)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_chunks)

    p = sub.add_parser("ask", help="answer one question with its sources")
    corpus_args(p)
    p.add_argument("question")
    p.add_argument("--mode", choices=["auto", "extractive", "llm"], default="auto")
    p.add_argument("--json", action="store_true", help="print the structured result")
    p.add_argument("--passages", action="store_true", help="also list the retrieved passages")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="a conversation in the terminal")
    corpus_args(p)
    p.add_argument("--mode", choices=["auto", "extractive", "llm"], default="auto")
    p.set_defaults(func=cmd_chat)

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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from pydantic import ValidationError

    from ingest.errors import IndexUnavailable, IngestError

    try:
        return args.func(args)
    except (IngestError, IndexUnavailable) as exc:
        print(f"Lỗi: {getattr(exc, 'reason_vi', exc)}", file=sys.stderr)
        logging.getLogger("camnang").error("%s", exc)
        return 2
    except ValidationError as exc:  # a question the request contract refuses ("???", too long)
        reasons = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        print(f"Lỗi: {reasons}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
