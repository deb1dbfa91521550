#!/usr/bin/env bash
# Build the OpenMP runtime the Linux wheels ship, for an old glibc.
#
# auditwheel copies the libgomp the kernels link into the wheel, and this machine's libgomp
# needs glibc 2.34, which would tag the wheels manylinux_2_34 and lock out RHEL/Rocky 8
# (2.28) and Ubuntu 20.04 (2.31). The kernels themselves need only glibc 2.14. So this
# script builds the same runtime, GNU libgomp from the GCC release that compiles the kernels
# (Debian's gcc-N-source, with Debian's libgomp patches), with `zig cc` (PyPI's ziglang)
# targeting glibc $GLIBC. The kernels are still compiled and linked by this machine's GCC,
# so their bits and thread behaviour stay the same; only the vendored copy of the runtime
# changes.
#
# Usage: tools/build_libgomp.sh OUTDIR      (OUTDIR gets libgomp.so.1; about a minute)
#   GLIBC=2.17  the glibc version to target (default 2.17: manylinux2014)
# Needs root for apt-get (Debian or Ubuntu), and PyPI.
set -euo pipefail

out="$(realpath -m "$1")"
glibc="${GLIBC:-2.17}"
major="$(gcc -dumpversion | cut -d. -f1)"
src="/usr/src/gcc-$major"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ ! -d "$src" ]] || ! command -v filterdiff >/dev/null; then
    command -v apt-get >/dev/null \
        || { echo "build_libgomp.sh needs gcc-$major-source and patchutils (apt-get)" >&2; exit 1; }
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "gcc-$major-source" patchutils >/dev/null
fi
tarball=("$src"/gcc-*.tar.*)
release="$(basename "${tarball[0]}" | sed -E 's/^(gcc-[0-9.]+).*/\1/')"

python3 -m venv "$work/zig"
"$work/zig/bin/python" -m pip install -q ziglang
export ZIG_GLOBAL_CACHE_DIR="$work/zig-cache" ZIG_LOCAL_CACHE_DIR="$work/zig-cache"

# zig cc as libgomp's C compiler. zig cannot read a source from stdin ("-"), so spool it;
# lld refuses version-script entries for undefined symbols (libgomp's Fortran OpenACC
# wrappers, not built without gfortran), which GNU ld ignores, so allow them.
cat >"$work/zcc" <<EOF
#!/usr/bin/env bash
args=() tmp=
for a in "\$@"; do
    case "\$a" in
        -) tmp="\$(mktemp --suffix=.c)"; cat >"\$tmp"; args+=("\$tmp") ;;
        -shared) args+=(-shared -Wl,--undefined-version) ;;
        *) args+=("\$a") ;;
    esac
done
"$work/zig/bin/python" -m ziglang cc -target "x86_64-linux-gnu.$glibc" "\${args[@]}"; rc=\$?
[[ -n "\$tmp" ]] && rm -f "\$tmp"
exit \$rc
EOF
chmod +x "$work/zcc"
# clang lacks GCC's builtin; GCC folds it on the host to "host or no device" (2 or 0).
echo '#define __builtin_acc_on_device(dev) ((dev) == 2 || (dev) == 0)' >"$work/compat.h"

# libgomp's sources and the few top-level files its configure script uses.
mkdir "$work/gcc"
tar -xf "${tarball[0]}" -C "$work/gcc" --strip-components=1 --wildcards \
    "$release/libgomp" "$release/config" "$release/include" "$release/gcc/BASE-VER" \
    "$release/gcc/DATESTAMP" "$release/gcc/DEV-PHASE" "$release/config.guess" \
    "$release/config.sub" "$release/install-sh" "$release/ltmain.sh" "$release/missing" \
    "$release/config-ml.in" "$release/mkinstalldirs" "$release/depcomp" "$release/compile"
for patch in git-updates libgomp-omp_h-multilib; do       # Debian's changes to libgomp
    [[ -f "$src/debian/patches/$patch.diff" ]] || continue
    filterdiff -p2 -i 'libgomp/*' -x '*/testsuite/*' -x '*/ChangeLog' \
        "$src/debian/patches/$patch.diff" | patch -d "$work/gcc" -p2 -s
done

mkdir "$work/build"
(
    cd "$work/build"
    # The two warnings are errors in clang: ptrlock.h swaps a uintptr_t with a pointer of
    # the same size, as GCC allows.
    CC="$work/zcc" CFLAGS="-O2 -g0 -include $work/compat.h -Wno-int-conversion \
        -Wno-incompatible-pointer-types -Wno-ignored-attributes" \
        "$work/gcc/libgomp/configure" --build=x86_64-linux-gnu --host=x86_64-linux-gnu \
        --target=x86_64-linux-gnu --disable-multilib --enable-symvers=gnu --disable-werror \
        --enable-shared --disable-static >"$work/configure.log" 2>&1 \
        || { tail -30 "$work/configure.log" >&2; exit 1; }
    make -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -30 "$work/make.log" >&2; exit 1; }
)
mkdir -p "$out"
cp -L "$work/build/.libs/libgomp.so.1" "$out/libgomp.so.1"
needed="$(objdump -T "$out/libgomp.so.1" | grep -o 'GLIBC_[0-9.]*' | sort -Vu | tail -1)"
echo "libgomp of $release for glibc $glibc (needs $needed): $out/libgomp.so.1"
