#!/bin/sh
# System packages some features and tests need, from Debian's repositories, installed only when
# missing: chromium (PDF decision documents, browser tests of the workbench), chromium-driver,
# poppler-utils (pdftoppm / pdftotext / pdffonts in the document tests) and a CJK font
# (fonts-noto-cjk: Chinese text in PDFs and screenshots). Without root or apt-get it says what is
# missing and goes on: the service runs without them (DOCX still works) and the tests that need
# them are skipped with a loud reason.
#
# `setup_system.sh --bench` (make bench-http) checks only the HTTP load generator wrk (Debian
# package wrk): without it benchmarks/bench_http.py falls back to Python clients, which use more
# CPU than the server on a small machine. `make test` never installs it.
set -u
missing=""
what="PDF 文书和浏览器测试将被跳过"
if [ "${1:-}" = "--bench" ]; then
  what="bench_http 将改用 Python 客户端施压"
  command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
else
  command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
  command -v chromedriver >/dev/null 2>&1 || missing="$missing chromium-driver"
  command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
  if ! (command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -qi "noto"); then
    missing="$missing fonts-noto-cjk"
  fi
fi
[ -z "$missing" ] && exit 0
echo "系统软件包缺失:$missing — 正在安装 (Debian apt)"
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "警告: 不是 root 且不能无密码 sudo, 未安装:$missing ($what)" >&2; exit 0
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "警告: 没有 apt-get, 未安装:$missing ($what)" >&2; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 || {
  $SUDO apt-get update -q >/dev/null 2>&1
  $SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 ||
    echo "警告: 安装失败:$missing ($what)" >&2
}
exit 0
