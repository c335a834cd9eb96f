/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * demo_vmlinux.c - the "vmlinux" of the bundled example: the base BTF the
 * example module (kfunc_demo.c) is split on, as a real module's BTF is on
 * vmlinux's.  It only has to provide types the module uses.
 */
#include "demo_types.h"

volatile long vmlinux_sink;

__attribute__((noinline, used))
pid_t task_pid(struct task_struct *t, struct bpf_prog_aux *aux)
{
	vmlinux_sink += (long)aux;
	return t->pid;
}
