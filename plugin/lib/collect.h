/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * collect.h - stage 1's output: an ELF object's .BTF_ids contents and the
 * table of its placeholders, per namespace, each name with the offsets
 * that refer to it. transform.c reads the kfunc flags from it, resolve.c
 * what to resolve; neither changes it.
 */
#ifndef __BTFIDS_COLLECT_H
#define __BTFIDS_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/btf.h>
#include <linux/types.h>

#include "log.h"
#include "bytes.h"
#include "names.h"
#include "release.h"

/*
 * Placeholder namespaces, in the order resolve_btfids patches them. Sets
 * and set8s share one namespace: a name may be either, once.
 */
enum btfids_ns {
	BTFIDS_NS_STRUCT,
	BTFIDS_NS_UNION,
	BTFIDS_NS_TYPEDEF,
	BTFIDS_NS_FUNC,
	BTFIDS_NS_SET,
	BTFIDS_NS_NR,
};

enum btfids_sym_kind {
	BTFIDS_SYM_ID,		/* one BTF id per offset */
	BTFIDS_SYM_SET,		/* u32 cnt, u32 ids[cnt] */
	BTFIDS_SYM_SET8,	/* u32 cnt, u32 flags, {u32 id, u32 flags}[cnt] */
};

/* What a placeholder name stands for. */
struct btfids_sym {
	enum btfids_sym_kind kind;
	__u32 cnt;		/* sets: entries, from the symbol size */
	__u32 nr_offs;
	__u32 cap_offs;
	__u32 *offs;		/* byte offsets into .BTF_ids */
};

/* The placeholders of one namespace: syms[i] is names entry i's. */
struct btfids_table {
	struct btfids_names names;
	struct btfids_sym *syms;
	__u32 cap_syms;
	__u32 nr_elf_syms;	/* id symbols seen, one name at many offsets counted each */
};

/* A placeholder symbol: where it is, and the name it has there. */
struct btfids_at {
	__u32 off;		/* byte offset into .BTF_ids */
	__u32 ns;		/* enum btfids_ns */
	__u32 name;		/* its entry in ns[ns] */
};

struct btfids_placeholders {
	struct btfids_table ns[BTFIDS_NS_NR];
	struct btfids_at *at;	/* every placeholder symbol, in symbol table order */
	__u32 nr_at, cap_at;
	const struct btfids_release *release;	/* when asked for: the object's release */
	bool has_ids;		/* a .BTF_ids section and a symbol table */
	bool swap;		/* the target's byte order is not the host's */
	__u32 *words;		/* .BTF_ids as collected, host order */
	size_t size;		/* bytes */
};

/* What btfids_collect() is to find out about the object's release. */
enum btfids_collect_release {
	BTFIDS_RELEASE_NONE,		/* nothing */
	BTFIDS_RELEASE_READ,		/* which it is (to check objects finished for it) */
	BTFIDS_RELEASE_FINISH,		/* which it is, and that this build can finish it */
};

/*
 * Read @elf_path's placeholders and, as @release asks, choose the release
 * (release.h; @kernel: the one the host named, or NULL for the object's own).
 */
int btfids_collect(struct btfids_log *lg, const char *elf_path,
		   enum btfids_collect_release release, const char *kernel,
		   struct btfids_placeholders *ph);

/* The name of placeholder symbol @at. */
static inline const char *btfids_at_name(const struct btfids_placeholders *ph,
					 const struct btfids_at *at)
{
	return btfids_names_at(&ph->ns[at->ns].names, at->name);
}
void btfids_placeholders_free(struct btfids_placeholders *ph);

/* The entry of @name (@len bytes) in @t, added if missing; NULL: -ENOMEM. */
struct btfids_sym *btfids_table_add(struct btfids_table *t, const char *name, size_t len,
				    bool *added);
int btfids_sym_add_off(struct btfids_sym *s, __u32 off);

/* The BTF kind the placeholders of @ns name (BTF_KIND_UNKN: sets). */
static inline __u32 btfids_ns_btf_kind(enum btfids_ns ns)
{
	switch (ns) {
	case BTFIDS_NS_STRUCT:
		return BTF_KIND_STRUCT;
	case BTFIDS_NS_UNION:
		return BTF_KIND_UNION;
	case BTFIDS_NS_TYPEDEF:
		return BTF_KIND_TYPEDEF;
	case BTFIDS_NS_FUNC:
		return BTF_KIND_FUNC;
	default:
		return BTF_KIND_UNKN;
	}
}

static inline __u32 btfids_set_entry_size(enum btfids_sym_kind kind)
{
	return kind == BTFIDS_SYM_SET8 ? BTFIDS_SET8_ENTRY_SIZE : BTFIDS_SET_ENTRY_SIZE;
}

#endif /* __BTFIDS_COLLECT_H */
