// SPDX-License-Identifier: GPL-2.0
/*
 * vmlinux_kfuncs.bpf.c - syscall programs calling vmlinux kfuncs, run by
 * btfcheck with BPF_PROG_TEST_RUN; each returns a value btfcheck checks.
 */
#include "kfuncs.h"

char _license[] SEC("license") = "GPL";

struct pair {
	long key;
	long val;
};

/* KF_IMPLICIT_ARGS: bpf_obj_new(type id), the verifier adds the meta */
SEC("syscall")
int obj_new_drop(void *ctx)
{
	struct pair *p = bpf_obj_new(bpf_core_type_id_local(struct pair));
	long r;

	if (!p)
		return -1;
	p->key = 40;
	p->val = 2;
	r = p->key + p->val;
	bpf_obj_drop(p);
	return r;
}

/* the legacy _impl twins still take the meta argument (NULL) */
SEC("syscall")
int obj_new_impl(void *ctx)
{
	struct pair *p = bpf_obj_new_impl(bpf_core_type_id_local(struct pair), NULL);
	long r;

	if (!p)
		return -1;
	p->key = 41;
	p->val = 2;
	r = p->key + p->val;
	bpf_obj_drop_impl(p, NULL);
	return r;
}

/* an acquire/release pair and a CO-RE read of the task it returns */
SEC("syscall")
int task_from_pid(void *ctx)
{
	struct task_struct *t = bpf_task_from_pid(1);
	int pid;

	if (!t)
		return -1;
	pid = BPF_CORE_READ(t, pid);
	bpf_task_release(t);
	return pid;
}

/* KF_FASTCALL: bpf_rdonly_cast() of the task bpf_task_from_pid() returns */
SEC("syscall")
int rdonly_cast(void *ctx)
{
	struct task_struct *t = bpf_task_from_pid(1), *r;
	int pid;

	if (!t)
		return -1;
	r = bpf_rdonly_cast(t, bpf_core_type_id_kernel(struct task_struct));
	pid = r->pid;
	bpf_task_release(t);
	return pid + 100;
}
