/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * transform.h - stage 3: the kernel's btf2btf transforms (Linux 7.2:
 * KF_IMPLICIT_ARGS kfunc prototypes). Takes the placeholders of collect.h
 * (for the kfunc sets and their flags) and the input BTF; gives the edit
 * (edit.h) that holds the changes. The input BTF is only read.
 */
#ifndef __BTFIDS_TRANSFORM_H
#define __BTFIDS_TRANSFORM_H

#include "collect.h"
#include "edit.h"
#include "log.h"

/* The edit of @btf, with every transform applied; messages name @btf_path. */
int btfids_transform(struct btfids_log *lg, const char *btf_path,
		     const struct btfids_placeholders *ph, const struct btf *btf,
		     struct btfids_edit *edit);

/*
 * Is @p an implicit argument (a pointer, through modifiers, to struct
 * bpf_prog_aux or struct btf_struct_meta)? The one rule, for the rewrite
 * and for `btfids verify`.
 */
bool btfids_is_implicit_arg(const struct btfids_edit *e, const struct btf_param *p);

#endif /* __BTFIDS_TRANSFORM_H */
