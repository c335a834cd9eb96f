/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * edit.h - the BTF as the pass changes it: libbpf's parsed BTF, read-only,
 * and on top of it appended types and strings and changed references, laid
 * out in any type order as new raw BTF (edit.c says how, and why). The
 * transform stage makes one; finalize lays it out (and after distilling
 * makes another, on the distilled BTF); resolve reads its types.
 */
#ifndef __BTFIDS_EDIT_H
#define __BTFIDS_EDIT_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include <linux/types.h>

#include "names.h"

struct btf;

/*
 * The BTF header as this pass knows it: Linux 7.2's (uapi linux/btf.h),
 * defined here so that neither an older nor a newer host header changes
 * what is read or written. Every BTF has the fields up to str_len
 * (BTF_HDR_LEN_BASE bytes); a header of BTF_HDR_LEN_LAYOUT bytes or more
 * also locates the optional layout section (libbpf >= 1.8), which lies
 * between the types and the strings: one BTF_LAYOUT_ENTRY_SIZE entry per
 * kind (u8 info_sz, u8 elem_sz, u16 flags).
 */
struct btfids_btf_hdr {
	__u16 magic;
	__u8 version;
	__u8 flags;
	__u32 hdr_len;
	__u32 type_off;
	__u32 type_len;
	__u32 str_off;
	__u32 str_len;
	__u32 layout_off;
	__u32 layout_len;
};

#define BTF_HDR_LEN_BASE	24
#define BTF_HDR_LEN_LAYOUT	32
#define BTF_LAYOUT_ENTRY_SIZE	4

/* A string offset the plan has not found yet. */
#define BTFIDS_EDIT_NO_OFF	UINT32_MAX

/* Where a planned string is: first in the base's strings, else the BTF's own. */
struct btfids_plan_off {
	__u32 base;
	__u32 own;		/* or where it was appended */
};

struct btfids_edit {
	const struct btf *btf;
	struct btfids_btf_hdr hdr;	/* input header, host byte order */
	const void *layout;		/* input layout section, or NULL */
	bool swap;			/* the BTF's byte order is not the host's */
	bool has_base;			/* split BTF */
	__u32 start_id;			/* first own type id (1 without a base) */
	__u32 nr_orig;			/* btf__type_cnt() of the input */
	const char *strs;		/* own strings of the input */
	const struct btf_type **own;	/* input type start_id + i at own[i] */
	__u32 own_types_len;		/* their bytes */
	const char *base_strs;
	__u32 base_strs_len;
	__u32 start_str_off;		/* = base_strs_len */

	/* strings that may be added, and where they are found (per plan entry) */
	struct btfids_names plan;
	struct btfids_plan_off *plan_off;
	__u32 cap_plan;
	char *new_strs;
	__u32 new_strs_len, cap_strs;
	__u8 *new_types;
	__u32 new_types_len, cap_types;
	__u32 *new_offs;		/* appended type i at new_types + new_offs[i] */
	__u32 nr_new, cap_new;
	struct btf_type *patches;	/* changed copies of input types */
	__u32 nr_patches, cap_patches;
	__u32 *patch_of;		/* input id -> patch index + 1, 0: none */
};

int btfids_edit_init(struct btfids_edit *e, const struct btf *btf);
/* Is @btf of the other byte order than the host's? */
bool btfids_btf_swapped(const struct btf *btf);
/* Is @btf's header one btfids_edit_init() can work with? 0 or its error. */
int btfids_edit_check(const struct btf *btf);
/* What an error of btfids_edit_init() or ..._strings_of() means, for a message. */
const char *btfids_edit_strerror(int err);
/* The own string section of @btf: where it starts, how long it is. */
int btfids_edit_strings_of(const struct btf *btf, const char **strs, __u32 *len);
void btfids_edit_free(struct btfids_edit *e);

/*
 * Size in bytes of a type record, 0 for a kind this pass does not know.
 * Inline and by table: walks over a whole kernel's types call it for each.
 */
static inline __u32 btfids_kind_size(__u32 kind, __u32 vlen)
{
	/* per kind: 1 + the bytes after struct btf_type (0: unknown kind) ... */
	static const __u8 fixed[32] = {
		[BTF_KIND_INT] = 1 + sizeof(__u32),	[BTF_KIND_PTR] = 1,
		[BTF_KIND_ARRAY] = 1 + sizeof(struct btf_array),
		[BTF_KIND_STRUCT] = 1,	[BTF_KIND_UNION] = 1,	[BTF_KIND_ENUM] = 1,
		[BTF_KIND_FWD] = 1,	[BTF_KIND_TYPEDEF] = 1,	[BTF_KIND_VOLATILE] = 1,
		[BTF_KIND_CONST] = 1,	[BTF_KIND_RESTRICT] = 1, [BTF_KIND_FUNC] = 1,
		[BTF_KIND_FUNC_PROTO] = 1, [BTF_KIND_VAR] = 1 + sizeof(struct btf_var),
		[BTF_KIND_DATASEC] = 1,	[BTF_KIND_FLOAT] = 1,
		[BTF_KIND_DECL_TAG] = 1 + sizeof(struct btf_decl_tag),
		[BTF_KIND_TYPE_TAG] = 1, [BTF_KIND_ENUM64] = 1,
	};
	/* ... and the size of each of its vlen entries */
	static const __u8 per_entry[32] = {
		[BTF_KIND_STRUCT] = sizeof(struct btf_member),
		[BTF_KIND_UNION] = sizeof(struct btf_member),
		[BTF_KIND_ENUM] = sizeof(struct btf_enum),
		[BTF_KIND_FUNC_PROTO] = sizeof(struct btf_param),
		[BTF_KIND_DATASEC] = sizeof(struct btf_var_secinfo),
		[BTF_KIND_ENUM64] = sizeof(struct btf_enum64),
	};

	if (kind >= 32 || !fixed[kind])
		return 0;
	return sizeof(struct btf_type) + fixed[kind] - 1 + vlen * per_entry[kind];
}

static inline __u32 btfids_type_size(const struct btf_type *t)
{
	return btfids_kind_size(btf_kind(t), btf_vlen(t));
}

__u32 btfids_edit_type_cnt(const struct btfids_edit *e);
const struct btf_type *btfids_edit_type(const struct btfids_edit *e, __u32 id);
const char *btfids_edit_name(const struct btfids_edit *e, __u32 off);

/* A FUNC's new prototype. */
int btfids_edit_set_type(struct btfids_edit *e, __u32 id, __u32 type);
/* Strings the adds below may use: plan every one, index them, then add. */
int btfids_edit_plan_str(struct btfids_edit *e, const char *s);
int btfids_edit_index_planned(struct btfids_edit *e);
/* As btf__add_*(): the new type's id, or a negative errno. */
int btfids_edit_add_func(struct btfids_edit *e, const char *name, int linkage, __u32 proto);
int btfids_edit_add_decl_tag(struct btfids_edit *e, const char *value, __u32 ref, int component,
			     bool attr);
int btfids_edit_add_func_proto(struct btfids_edit *e, __u32 ret);
int btfids_edit_add_func_param(struct btfids_edit *e, const char *name, __u32 type);
/* Raw BTF, own types in @order (NULL: as they are), the input's byte order. */
int btfids_edit_write_raw(const struct btfids_edit *e, const __u32 *order, void **raw,
			  __u32 *size);

#endif /* __BTFIDS_EDIT_H */
