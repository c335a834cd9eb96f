# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# kernel-flags.sh - the pahole flags of Linux 7.2's and 7.3's
# scripts/Makefile.btf for pahole >= 1.31, in one place: every test,
# benchmark and the example source this file instead of writing them out.
# KERNEL (7.2 by default, or 7.3) picks the release: 7.3 no longer asks
# pahole for decl_tag_kfuncs and attributes (its resolve_btfids writes the
# kfunc tags and arena attributes itself).
#
#   KERNEL_BTF_FEATURES   the --btf_features list (Makefile.btf joins its
#                         three --btf_features options into this one)
#   KERNEL_PAHOLE_FLAGS   -J, -j2 and the rest, as an array
#
# "layout" is honoured only by a pahole built against libbpf >= 1.8; the
# 1.7 builds used here ignore it, as Debian's 7.2 kernel build did.
case ${KERNEL:-7.2} in
7.2) KERNEL_BTF_FEATURES=encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs,attributes,layout ;;
*)   KERNEL_BTF_FEATURES=encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,layout ;;
esac
# shellcheck disable=SC2034
KERNEL_PAHOLE_FLAGS=(-J -j2 --btf_features="$KERNEL_BTF_FEATURES" --lang_exclude=rust)
