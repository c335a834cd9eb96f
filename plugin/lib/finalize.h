/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * finalize.h - stage 4: the final BTF's shape. Takes the edit of the
 * transform stage; gives the final layout: the raw bytes of the final BTF
 * (types sorted by name), the order that maps final ids to edit ids, and
 * the base, distilled when asked (its bytes too). resolve.c reads the
 * final types through btfids_final_type(), and binary searches the own
 * ones by name.
 */
#ifndef __BTFIDS_FINALIZE_H
#define __BTFIDS_FINALIZE_H

#include <stdbool.h>
#include <linux/types.h>

#include "edit.h"
#include "log.h"

struct btf;

struct btfids_final {
	const struct btfids_edit *edit;	/* the types, by edit id: the transform's edit,
					 * or own_edit after distilling */
	struct btfids_edit own_edit;	/* on the distilled split BTF */
	struct btf *btf;		/* after distilling: the new split BTF ... */
	struct btf *base;		/* ... and its distilled base (both owned) */
	bool distilled;
	__u32 *order;			/* order[i]: edit id of final id edit->start_id + i */
	void *raw;			/* the final BTF, the input's byte order */
	__u32 raw_size;
	const void *base_raw;		/* the distilled base's bytes (libbpf's), or NULL */
	__u32 base_raw_size;
};

/* The final layout of @edit's BTF; with @distill (and a base), distilled. */
int btfids_finalize(struct btfids_log *lg, const char *btf_path, const struct btfids_edit *edit,
		    bool distill, struct btfids_final *f);
void btfids_final_free(struct btfids_final *f);

/* Type @id of the final BTF (base ids included), or NULL. */
const struct btf_type *btfids_final_type(const struct btfids_final *f, __u32 id);
/* The string at @off of the final BTF (or its base), or NULL. */
const char *btfids_final_name(const struct btfids_final *f, __u32 off);
__u32 btfids_final_type_cnt(const struct btfids_final *f);
/* The first own type id: the final types below it are the base's. */
__u32 btfids_final_start_id(const struct btfids_final *f);
/* The final base (the input's, or the distilled one), or NULL. */
const struct btf *btfids_final_base(const struct btfids_final *f);

#endif /* __BTFIDS_FINALIZE_H */
