/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * kfunc_demo.c - the bundled example for `make example`: a tiny "kernel
 * module" with what a real one hands the BTF finishing pass.  Its BTF is
 * split on demo_vmlinux.c's, which provides struct bpf_prog_aux.
 *
 *   - an ID list naming a struct, a typedef and a function;
 *   - a kfunc set (set8) whose entries carry KF_* flags; demo_alloc takes
 *     KF_IMPLICIT_ARGS, so its last argument (struct bpf_prog_aux *) is
 *     supplied by the verifier and hidden from BPF programs: the pass adds
 *     demo_alloc_impl with the full prototype and gives demo_alloc a
 *     prototype without it;
 *   - a sorted ID set.
 */
#include "btf_ids_fixture.h"
#include "demo_types.h"

struct demo_obj { int refs; long payload; };
typedef unsigned int demo_id_t;

volatile long demo_sink;

__attribute__((noinline, used))
struct demo_obj *demo_alloc(long size, struct bpf_prog_aux *aux)
{
	demo_sink += size + (long)aux;
	return (struct demo_obj *)size;
}

__attribute__((noinline, used))
void demo_release(struct demo_obj *obj)
{
	demo_sink += (long)obj;
}

__attribute__((noinline, used))
demo_id_t demo_lookup(struct demo_obj *obj, demo_id_t id)
{
	demo_sink += (long)obj;
	return id + 1;
}

FX_LIST(demo_list)
FX_ID(struct, demo_obj)
FX_ID(typedef, demo_id_t)
FX_ID(func, demo_lookup)

FX_KFUNCS_BEGIN(demo_kfuncs)
FX_ID_FLAGS(func, demo_release, FX_KF_RELEASE)
FX_ID_FLAGS(func, demo_alloc, FX_KF_ACQUIRE | FX_KF_RET_NULL | FX_KF_IMPLICIT_ARGS)
FX_ID_FLAGS(func, demo_lookup, 0)
FX_KFUNCS_FINISH(demo_kfuncs)

FX_SET_BEGIN(demo_set)
FX_ID(func, demo_release)
FX_ID(func, demo_lookup)
FX_ID(func, demo_alloc)
FX_SET_FINISH(demo_set)
