// SPDX-License-Identifier: GPL-2.0
/*
 * testmod_impl.bpf.c - a program btfcheck expects the kernel to refuse:
 * bpf_kfunc_implicit_arg_impl exists only in BTF, where the finishing pass
 * adds it with the full prototype of the KF_IMPLICIT_ARGS kfunc
 * bpf_kfunc_implicit_arg; no such function is in the module.  (An object
 * of its own: libbpf resolves every extern of an object before loading
 * any of its programs.)
 */
#include "kfuncs.h"

char _license[] SEC("license") = "GPL";

SEC("syscall")
int implicit_arg_impl(void *ctx)
{
	return bpf_kfunc_implicit_arg_impl(5, NULL);
}
