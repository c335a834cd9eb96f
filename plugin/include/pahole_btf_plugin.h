/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * pahole_btf_plugin.h - the C ABI between pahole and a BTF post-encode
 * plugin. The same file is carried by dwarves-patches/ (as
 * pahole_btf_plugin.h in the dwarves tree) and by this project's plugin.
 *
 * A plugin is a shared object exporting one symbol,
 *
 *	const struct pahole_btf_plugin pahole_btf_plugin;
 *
 * pahole dlopen()s it (--btf_plugin=PATH[:ARGS], or --resolve_btfids for
 * the btfids plugin in pahole's plugin directory), checks abi_major, and
 * after deduplicating the BTF, before writing anything, calls post_encode()
 * once. The plugin calls libbpf through pahole's own copy (it must not
 * link another libbpf: the struct btf it gets is pahole's).
 *
 * Versioning: abi_major changes when a field changes meaning or moves;
 * pahole refuses a plugin whose abi_major differs from its own. New fields
 * are only ever appended to struct pahole_btf_pass, which carries its size:
 * a plugin reads a field only if pass->sz covers it, and pahole accepts any
 * abi_minor.
 */
#ifndef __PAHOLE_BTF_PLUGIN_H
#define __PAHOLE_BTF_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

#define PAHOLE_BTF_PLUGIN_ABI_MAJOR	1
#define PAHOLE_BTF_PLUGIN_ABI_MINOR	0
#define PAHOLE_BTF_PLUGIN_SYMBOL	"pahole_btf_plugin"

struct btf;

/* What pahole hands over, and what the plugin hands back. */
struct pahole_btf_pass {
	size_t sz;			/* sizeof(struct pahole_btf_pass) in pahole */

	/* from pahole */
	struct btf *btf;		/* deduplicated BTF, split on base_btf if set */
	struct btf *base_btf;		/* --btf_base, or NULL */
	const char *elf_path;		/* the ELF object that was encoded */
	void *elf;			/* pahole's Elf * of it, or NULL; for ET_REL
					 * its section addresses are libdw's, not the
					 * file's: open elf_path to read symbols */
	const char *detached_path;	/* --btf_encode_detached, or NULL: the BTF
					 * goes into elf_path's .BTF section */
	int elf_data;			/* ELFDATA2LSB or ELFDATA2MSB of the target */
	bool distill_base;		/* --btf_features=distilled_base */
	int verbose;			/* pahole -V */
	const char *args;		/* ARGS of --btf_plugin=PATH:ARGS, or NULL */

	/* from the plugin; pahole writes what the plugin did not */
	struct btf *out_btf;		/* write this BTF instead of btf, or NULL */
	struct btf *out_base_btf;	/* distilled base to write, or NULL */
	bool written;			/* detached mode: the plugin wrote every
					 * output file itself; pahole writes none */
};

struct pahole_btf_plugin {
	unsigned int abi_major;		/* PAHOLE_BTF_PLUGIN_ABI_MAJOR */
	unsigned int abi_minor;		/* PAHOLE_BTF_PLUGIN_ABI_MINOR */
	const char *name;
	const char *version;
	/*
	 * Returns 0, or a negative errno after printing why; pahole then
	 * fails. *priv is the plugin's, handed back to finish().
	 */
	int (*post_encode)(struct pahole_btf_pass *pass, void **priv);
	/* After pahole wrote its outputs (or failed): release out_* and priv. */
	void (*finish)(void *priv);
};

#endif /* __PAHOLE_BTF_PLUGIN_H */
