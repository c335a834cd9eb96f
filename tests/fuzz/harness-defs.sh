# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/fuzz/run.sh and coverage.sh (needs FZ):
#   harness_defs HARNESS   sets DEFS=( -D options naming the fixtures the
#                          harness embeds, as run.sh prepares them )
harness_defs()
{
	case $1 in
	collect) DEFS=("-DFZ_BTF_PATH=\"$FZ/fixed/kfuncs-i386.BTF\"") ;;
	btf) DEFS=("-DFZ_ELF_PATH=\"$FZ/fixed/kfuncs-i386.o\"") ;;
	btf_split) DEFS=("-DFZ_ELF_PATH=\"$FZ/fixed/mod-x86_64.o\""
			 "-DFZ_BASE_PATH=\"$FZ/fixed/base-x86_64.BTF\"") ;;
	*) DEFS=() ;;
	esac
}
