/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kfuncs.h - what the guest's BPF programs need from the kernel, declared
 * by hand instead of from a generated vmlinux.h: the kfuncs as a BPF
 * program sees them after Linux 7.2's finishing pass, and one CO-RE view
 * of task_struct.  libbpf checks each declaration against the booted
 * kernel's BTF, so a prototype that pass failed to rewrite is refused
 * before the verifier runs.
 */
#ifndef BOOT_KFUNCS_H
#define BOOT_KFUNCS_H

#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* a definition, not a declaration: libbpf takes a FWD for another kind */
struct bpf_prog_aux {
	int id;
};

struct task_struct {
	int pid;
} __attribute__((preserve_access_index));

/* vmlinux: KF_IMPLICIT_ARGS kfuncs, as rewritten (meta is the verifier's) */
extern void *bpf_obj_new(__u64 local_type_id) __ksym;
extern void bpf_obj_drop(void *kptr) __ksym;
/* vmlinux: their legacy twins, real functions with the full prototype */
extern void *bpf_obj_new_impl(__u64 local_type_id, void *meta) __ksym;
extern void bpf_obj_drop_impl(void *kptr, void *meta) __ksym;
/* vmlinux: plain kfuncs */
extern struct task_struct *bpf_task_from_pid(__s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
/* vmlinux: KF_FASTCALL */
extern void *bpf_rdonly_cast(const void *obj__ign, __u32 btf_id__k) __ksym;

/* bpf_testmod: KF_IMPLICIT_ARGS, and the prototype-only _impl the pass adds */
extern int bpf_kfunc_implicit_arg(int a) __ksym;
extern int bpf_kfunc_implicit_arg_impl(int a, struct bpf_prog_aux *aux) __ksym;
/* bpf_testmod: KF_IMPLICIT_ARGS whose _impl is a real function (legacy) */
extern int bpf_kfunc_implicit_arg_legacy(int a, int b) __ksym;
extern int bpf_kfunc_implicit_arg_legacy_impl(int a, int b,
					      struct bpf_prog_aux *aux) __ksym;
/* bpf_testmod: a plain kfunc with sign-extended arguments */
extern long bpf_kfunc_call_test4(signed char a, short b, int c, long d) __ksym;

#endif
