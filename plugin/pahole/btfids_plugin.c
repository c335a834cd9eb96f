// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * btfids_plugin.c - libbtfids as a pahole post-encode plugin
 * (pahole_btf_plugin.h). pahole hands over the BTF it has just
 * deduplicated; the pass finishes it in the same process, so a kernel
 * build needs no resolve_btfids run, and nothing is parsed twice.
 *
 * Outputs, for `pahole -J --btf_encode_detached=D --resolve_btfids ELF`:
 *   D                      the final BTF (instead of pahole's raw BTF)
 *   D.base                 the distilled base, with --btf_features=distilled_base
 *   P.BTF_ids              resolved .BTF_ids, when ELF has one; P is D
 *                          without a trailing ".BTF" (D = X.BTF gives the
 *                          names resolve_btfids writes: X.BTF, X.BTF.base,
 *                          X.BTF_ids)
 * all written atomically. Without --btf_encode_detached, pahole puts the
 * final BTF (and distilled base) into the ELF and the plugin writes
 * ELF.BTF_ids beside it; `btfids --patch_btfids` embeds that.
 *
 * Arguments (--btf_plugin=PATH:ARGS, comma separated): verbose; and
 * fatal_warnings, accepted with no effect, as resolve_btfids' flag has none
 * in Linux 7.2 (so the single run fails exactly when the two steps would).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfids.h"
#include "pahole_btf_plugin.h"

#define PLUGIN_VERSION	"0.1"

struct plugin_args {
	int verbose;
};

static int parse_args(const char *args, struct plugin_args *pa)
{
	char *copy, *tok, *save = NULL;
	int err = 0;

	if (!args || !*args)
		return 0;
	copy = strdup(args);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "fatal_warnings")) {
			continue;	/* no effect in Linux 7.2 either */
		} else if (!strcmp(tok, "verbose")) {
			pa->verbose++;
		} else {
			fprintf(stderr, "btfids plugin: unknown argument '%s' (fatal_warnings, verbose)\n",
				tok);
			err = -EINVAL;
		}
	}
	free(copy);
	return err;
}

/* D, D.base and P.BTF_ids for the detached file D. */
static int write_detached(struct btfids *b, const char *detached)
{
	size_t len = strlen(detached);
	char *path;
	int err;

	err = btfids__write_output(b, BTFIDS_OUT_BTF, detached);
	if (err)
		return err;
	if (asprintf(&path, "%s.base", detached) < 0)
		return -ENOMEM;
	err = btfids__write_output(b, BTFIDS_OUT_BTF_BASE, path);
	free(path);
	if (err)
		return err;
	if (len >= 4 && !strcmp(detached + len - 4, ".BTF"))
		len -= 4;
	if (asprintf(&path, "%.*s.BTF_ids", (int)len, detached) < 0)
		return -ENOMEM;
	err = btfids__write_output(b, BTFIDS_OUT_BTF_IDS, path);
	free(path);
	return err;
}

/* Into the ELF: pahole writes the BTF; .BTF_ids goes beside the ELF. */
static int hand_back(struct btfids *b, struct pahole_btf_pass *pass)
{
	char *path;
	int err;

	pass->out_btf = btfids__btf(b);
	if (!pass->out_btf)
		return -ENOMEM;
	if (pass->distill_base)
		pass->out_base_btf = btfids__base_btf(b);
	if (asprintf(&path, "%s.BTF_ids", pass->elf_path) < 0)
		return -ENOMEM;
	err = btfids__write_output(b, BTFIDS_OUT_BTF_IDS, path);
	free(path);
	return err;
}

static int btfids_post_encode(struct pahole_btf_pass *pass, void **priv)
{
	struct plugin_args pa = {};
	struct btfids_opts opts = { .sz = sizeof(opts) };
	struct btfids *b;
	int err;

	*priv = NULL;
	if (pass->sz < offsetof(struct pahole_btf_pass, written) + sizeof(pass->written)) {
		fprintf(stderr, "btfids plugin: pahole's pass structure is too old\n");
		return -EINVAL;
	}
	err = parse_args(pass->args, &pa);
	if (err)
		return err;
	opts.verbose = pass->verbose + pa.verbose;
	opts.distill_base = pass->distill_base && pass->base_btf;

	b = btfids__new(pass->elf_path, &opts);
	if (!b)
		return -ENOMEM;
	*priv = b;
	err = btfids__collect(b);
	if (!err)
		err = btfids__set_btf(b, pass->btf, pass->base_btf);
	if (!err)
		err = btfids__run(b);
	if (!err && pass->detached_path) {
		err = write_detached(b, pass->detached_path);
		pass->written = !err;
	} else if (!err) {
		err = hand_back(b, pass);
	}
	return err;
}

static void btfids_finish(void *priv)
{
	btfids__free(priv);
}

__attribute__((visibility("default")))
const struct pahole_btf_plugin pahole_btf_plugin = {
	.abi_major	= PAHOLE_BTF_PLUGIN_ABI_MAJOR,
	.abi_minor	= PAHOLE_BTF_PLUGIN_ABI_MINOR,
	.name		= "btfids",
	.version	= PLUGIN_VERSION,
	.post_encode	= btfids_post_encode,
	.finish		= btfids_finish,
};
