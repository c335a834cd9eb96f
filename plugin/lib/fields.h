/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * fields.h - where a BTF type record keeps its type ids and its string
 * offsets, in the order libbpf's field iterators visit them (name first;
 * then members, enumerators or parameters; a prototype's return type
 * before its parameters). Each is at most two runs of 32-bit words with a
 * stride, walked without a call per field.
 */
#ifndef __BTFIDS_FIELDS_H
#define __BTFIDS_FIELDS_H

#include <linux/btf.h>
#include <bpf/btf.h>

/* @n words, the first at @p, then every @stride words. */
struct btfids_run {
	__u32 *p;
	__u32 n, stride;
};

#define BTFIDS_WORDS(x)	((__u32)(sizeof(x) / sizeof(__u32)))

/* The type id fields of @t: fills @r, returns how many runs (0-2). */
static inline int btfids_id_fields(struct btf_type *t, struct btfids_run r[2])
{
	__u32 vlen = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC:
	case BTF_KIND_VAR: case BTF_KIND_DECL_TAG: case BTF_KIND_TYPE_TAG:
		r[0] = (struct btfids_run){ &t->type, 1, 1 };
		return 1;
	case BTF_KIND_ARRAY:	/* type, then index_type */
		r[0] = (struct btfids_run){ &btf_array(t)->type, 2, 1 };
		return 1;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		r[0] = (struct btfids_run){ &btf_members(t)->type, vlen,
					    BTFIDS_WORDS(struct btf_member) };
		return 1;
	case BTF_KIND_FUNC_PROTO:
		r[0] = (struct btfids_run){ &t->type, 1, 1 };
		r[1] = (struct btfids_run){ &btf_params(t)->type, vlen,
					    BTFIDS_WORDS(struct btf_param) };
		return 2;
	case BTF_KIND_DATASEC:
		r[0] = (struct btfids_run){ &btf_var_secinfos(t)->type, vlen,
					    BTFIDS_WORDS(struct btf_var_secinfo) };
		return 1;
	default:
		return 0;
	}
}

/* The string offset fields of @t: fills @r, returns how many runs (1-2). */
static inline int btfids_str_fields(struct btf_type *t, struct btfids_run r[2])
{
	__u32 vlen = btf_vlen(t);

	r[0] = (struct btfids_run){ &t->name_off, 1, 1 };
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		r[1] = (struct btfids_run){ &btf_members(t)->name_off, vlen,
					    BTFIDS_WORDS(struct btf_member) };
		return 2;
	case BTF_KIND_ENUM:
		r[1] = (struct btfids_run){ &btf_enum(t)->name_off, vlen,
					    BTFIDS_WORDS(struct btf_enum) };
		return 2;
	case BTF_KIND_ENUM64:
		r[1] = (struct btfids_run){ &btf_enum64(t)->name_off, vlen,
					    BTFIDS_WORDS(struct btf_enum64) };
		return 2;
	case BTF_KIND_FUNC_PROTO:
		r[1] = (struct btfids_run){ &btf_params(t)->name_off, vlen,
					    BTFIDS_WORDS(struct btf_param) };
		return 2;
	default:
		return 1;
	}
}

#endif /* __BTFIDS_FIELDS_H */
