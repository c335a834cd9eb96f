// SPDX-License-Identifier: GPL-2.0
/*
 * testmod_kfuncs.bpf.c - syscall programs calling bpf_testmod's kfuncs
 * (its set bpf_testmod_check_kfunc_ids), run by btfcheck with
 * BPF_PROG_TEST_RUN; each returns a value btfcheck checks.
 */
#include "kfuncs.h"

char _license[] SEC("license") = "GPL";

SEC("syscall")
int implicit_arg(void *ctx)
{
	return bpf_kfunc_implicit_arg(5);
}

SEC("syscall")
int implicit_arg_legacy(void *ctx)
{
	return bpf_kfunc_implicit_arg_legacy(3, 4);
}

SEC("syscall")
int implicit_arg_legacy_impl(void *ctx)
{
	return bpf_kfunc_implicit_arg_legacy_impl(5, 6, NULL);
}

SEC("syscall")
int call_test4(void *ctx)
{
	return bpf_kfunc_call_test4(-1, -2, -3, 100);
}
