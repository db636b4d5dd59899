"""DraftDocument → HTML (Jinja2 template in the package, autoescaped) → PDF by headless Chromium.

The Chromium binary is PENALTY_RULES_CHROMIUM, else `chromium` / `chromium-browser` on PATH. It
runs with a fresh temporary profile, no network services, and a time limit; the CJK font comes
from the system (fonts-noto-cjk). Without Chromium, PdfRendererUnavailable (HTTP 503
pdf_renderer_unavailable); DOCX does not need it."""

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from penalty_rules.documents.model import DraftDocument

TEMPLATES = Path(__file__).parent / "templates"
CONTENT_TYPE = "application/pdf"
TIMEOUT_SECONDS = 60
_SLOTS = threading.BoundedSemaphore(2)  # at most two Chromium processes at once
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))


class PdfRendererUnavailable(Exception):
    code = "pdf_renderer_unavailable"


class PdfRenderFailed(Exception):
    code = "pdf_render_failed"


def render_html(draft: DraftDocument) -> str:
    return _env.get_template("document.html.j2").render(d=draft)


def chromium_path() -> str | None:
    configured = os.environ.get("PENALTY_RULES_CHROMIUM")
    if configured:
        found = shutil.which(configured)
        return found if found else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def render_pdf(draft: DraftDocument) -> bytes:
    binary = chromium_path()
    if binary is None:
        where = os.environ.get("PENALTY_RULES_CHROMIUM") or "chromium"
        raise PdfRendererUnavailable(
            f"未找到 PDF 渲染程序 {where}(无头 Chromium): 请安装 chromium 和 fonts-noto-cjk(make setup), "
            "或用 PENALTY_RULES_CHROMIUM 指定路径; DOCX 格式不受影响")
    html = render_html(draft)
    with _SLOTS, tempfile.TemporaryDirectory(prefix="penalty-rules-pdf-") as tmp:
        src, out, profile = Path(tmp) / "document.html", Path(tmp) / "document.pdf", Path(tmp) / "profile"
        src.write_text(html, encoding="utf-8")
        cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
               f"--user-data-dir={profile}", f"--print-to-pdf={out}", src.as_uri()]
        try:
            # own session: on timeout the whole process group (Chromium's renderer, GPU and zygote
            # children too) is killed before the temporary folder holding the party's data goes
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=True)
        except OSError as exc:
            raise PdfRendererUnavailable(f"无法运行 PDF 渲染程序 {binary}: {exc.strerror}") from None
        try:
            proc.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise PdfRenderFailed(f"PDF 渲染超过 {TIMEOUT_SECONDS} 秒未完成") from None
        finally:
            _kill_group(proc)  # children left behind by a Chromium that exited
        if not out.exists() or out.stat().st_size == 0:
            raise PdfRenderFailed(f"PDF 渲染失败(Chromium 退出码 {proc.returncode})")
        return out.read_bytes()


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.communicate(timeout=10)
    except (subprocess.TimeoutExpired, ValueError):
        pass
