/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * demo_types.h - the example's "kernel headers": types both the example
 * vmlinux and its module see, so the module's BTF refers to the base's.
 */
#ifndef DEMO_TYPES_H
#define DEMO_TYPES_H

struct bpf_prog_aux { int id; unsigned int flags; };
struct task_struct { int pid; struct task_struct *parent; };
typedef int pid_t;

#endif
