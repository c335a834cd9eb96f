/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The interface between pahole and a BTF post-encode plugin.
 *
 * A plugin is a shared object that exports
 *
 *	const struct pahole_btf_plugin pahole_btf_plugin;
 *
 * pahole loads it for --btf_plugin=PLUGIN[:ARGS] (PLUGIN is a path, or a
 * name looked up as PLUGIN.so in pahole's plugin directory). After
 * deduplicating an object's BTF and before writing any of it, pahole calls
 * post_encode() once; after writing its outputs, or failing to, finish()
 * once. A plugin calls libbpf through pahole's own copy and must not link
 * another: the struct btf it is handed belongs to that copy.
 *
 * Compatibility between a plugin and a pahole built at different times:
 *  - Each structure starts with its size as the side that filled it was
 *    built: pahole reads a field of struct pahole_btf_plugin, and a plugin
 *    a field of struct pahole_btf_pass, only if that size covers it
 *    (PAHOLE_BTF_HAS()). A field not covered reads as zero (NULL, false).
 *  - Fields are only ever added at the end of either structure.
 *  - PAHOLE_BTF_PLUGIN_ABI changes only when an existing field changes
 *    meaning, type or place; pahole refuses, before calling anything, a
 *    plugin built for another ABI, or one too old to have post_encode().
 * So a plugin built against an older header runs in a newer pahole and
 * the other way round, each using what both know.
 */
#ifndef _PAHOLE_BTF_PLUGIN_H_
#define _PAHOLE_BTF_PLUGIN_H_

#include <stdbool.h>
#include <stddef.h>

#define PAHOLE_BTF_PLUGIN_ABI		1
#define PAHOLE_BTF_PLUGIN_SYMBOL	"pahole_btf_plugin"

/* Does structure @s, as its filler's sz says, include @field? */
#define PAHOLE_BTF_HAS(s, field) \
	((s)->sz >= offsetof(__typeof__(*(s)), field) + sizeof((s)->field))

struct btf;

/* One object's BTF, handed to post_encode(). */
struct pahole_btf_pass {
	size_t sz;			/* sizeof(struct pahole_btf_pass) in pahole */

	/* Set by pahole. */
	/*
	 * The deduplicated BTF, split on base_btf if set: lent to the plugin
	 * for post_encode(), which may add to it or change it; pahole writes
	 * out_btf if the plugin sets it, else this BTF.
	 */
	struct btf *btf;
	/*
	 * The --btf_base BTF, or NULL: read only, since pahole keeps using
	 * it; pahole fails a plugin that added types to it.
	 */
	const struct btf *base_btf;
	const char *elf_path;		/* the object whose DWARF was encoded */
	/*
	 * --btf_encode_detached FILE, or NULL: the BTF goes into the .BTF
	 * section of elf_path.
	 */
	const char *detached_path;
	/* --btf_features=distilled_base: the plugin distills, pahole does not. */
	bool distill_base;
	int verbose;			/* pahole's verbosity */
	const char *args;		/* ARGS of --btf_plugin=PLUGIN:ARGS, or NULL */

	/* Set by the plugin; pahole writes what the plugin did not. */
	struct btf *out_btf;		/* BTF to write instead of btf, or NULL */
	/* Base to write beside it (.BTF.base, or FILE.base if detached), or NULL. */
	struct btf *out_base_btf;
	/* Detached: the plugin wrote every output file itself, pahole none. */
	bool written;
};

struct pahole_btf_plugin {
	size_t sz;			/* sizeof(struct pahole_btf_plugin) in the plugin */
	unsigned int abi;		/* PAHOLE_BTF_PLUGIN_ABI */
	const char *name;
	const char *version;
	/*
	 * Returns 0, or a negative errno after printing why (pahole then
	 * fails). *priv is the plugin's, handed to finish().
	 */
	int (*post_encode)(struct pahole_btf_pass *pass, void **priv);
	/*
	 * Optional. Called once post_encode() was, after pahole wrote its
	 * outputs: @err is 0, or the error of post_encode() or of pahole's
	 * writing. Releases priv and the out_* BTFs. Returns 0, or a negative
	 * errno after printing why, which fails pahole: a plugin can prepare
	 * outputs of its own in post_encode() and keep them only here, when
	 * pahole's are in place too.
	 */
	int (*finish)(void *priv, int err);
	/*
	 * Optional. Called once, when the plugin is loaded, with ARGS of
	 * --btf_plugin=PLUGIN:ARGS (NULL without): returns 0, or a negative
	 * errno after printing why, which stops pahole. A build can thus ask
	 * whether a plugin takes some arguments before encoding anything:
	 * pahole --btf_plugin=PLUGIN:ARGS --version.
	 */
	int (*check_args)(const char *args);
};

#endif /* _PAHOLE_BTF_PLUGIN_H_ */
