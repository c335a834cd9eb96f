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
 * written as one set: all of them or, on any failure, none. Without
 * --btf_encode_detached, pahole puts the final BTF (and distilled base)
 * into the ELF and the plugin writes ELF.BTF_ids beside it once pahole has;
 * `btfids --patch_btfids` embeds that.
 *
 * Arguments (--btf_plugin=PATH:ARGS, comma separated): verbose;
 * kernel=MAJOR.MINOR, the Linux release the object is finished for
 * (default: BTFIDS_KERNEL, else the object's own; see btfids.h); and
 * fatal_warnings, accepted with no effect, as resolve_btfids' flag has none
 * in Linux 7.2 and 7.3 (so the single run fails exactly when the two steps
 * would).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfids.h"
#include "pahole_btf_plugin.h"


struct plugin_args {
	int verbose;
	char *kernel;		/* kernel=, or NULL */
};

#define ARG_KERNEL	"kernel="

/* Errors of the plugin itself, in the library's form; @file: what they are about. */
#define plugin_err(file, ...)	btfids__error(NULL, file, __VA_ARGS__)

/* @args of --btf_plugin=PATH:ARGS into @pa; messages name @file. */
static int parse_args(const char *args, const char *file, struct plugin_args *pa)
{
	char *copy, *tok, *save = NULL;
	int err = 0;

	if (!args || !*args)
		return 0;
	copy = strdup(args);
	if (!copy) {
		plugin_err(file, "out of memory");
		return -ENOMEM;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "fatal_warnings"))
			continue;	/* no effect in Linux 7.2 either */
		if (!strcmp(tok, "verbose")) {
			pa->verbose++;
			continue;
		}
		if (!strncmp(tok, ARG_KERNEL, strlen(ARG_KERNEL))) {
			free(pa->kernel);
			pa->kernel = strdup(tok + strlen(ARG_KERNEL));
			if (!pa->kernel) {
				err = plugin_err(file, "out of memory");
				break;
			}
			continue;
		}
		err = plugin_err(file, "unknown plugin argument '%s' (fatal_warnings, kernel=RELEASE, verbose)",
				 tok);
		break;
	}
	free(copy);
	return err;
}

/*
 * Into the ELF: pahole writes the BTF and base into it; .BTF_ids goes
 * beside the ELF, prepared now and kept in finish() only if pahole's
 * writing succeeded.
 */
static int hand_back(struct btfids *b, struct pahole_btf_pass *pass)
{
	char *path;
	int err;

	pass->out_btf = btfids__btf(b);
	if (!pass->out_btf) {
		plugin_err(pass->elf_path, "cannot parse the final BTF back: %s", strerror(errno));
		return -errno;
	}
	if (pass->distill_base)
		pass->out_base_btf = btfids__base_btf(b);
	if (asprintf(&path, "%s%s", pass->elf_path, btfids__output_suffix(BTFIDS_OUT_BTF_IDS)) < 0) {
		plugin_err(pass->elf_path, "out of memory");
		return -ENOMEM;
	}
	err = btfids__prepare_output(b, BTFIDS_OUT_BTF_IDS, path);
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
	if (!PAHOLE_BTF_HAS(pass, written))
		return plugin_err(pass->elf_path, "pahole's pass structure is too old (%zu bytes)", pass->sz);
	err = parse_args(pass->args, pass->elf_path, &pa);
	if (err) {
		free(pa.kernel);
		return err;
	}
	opts.verbose = pass->verbose + pa.verbose;
	opts.distill_base = pass->distill_base && pass->base_btf;
	opts.kernel = pa.kernel;

	b = btfids__new(pass->elf_path, &opts);
	free(pa.kernel);	/* btfids__new() keeps a copy */
	if (!b) {
		plugin_err(pass->elf_path, "out of memory");
		return -ENOMEM;
	}
	*priv = b;
	err = btfids__collect(b);
	if (!err)
		err = btfids__set_deduped_btf(b, pass->btf, pass->base_btf);
	if (!err)
		err = btfids__run(b);
	if (!err && pass->detached_path) {
		/* D, D.base and P.BTF_ids for the detached file D, as one set */
		err = btfids__write_named(b, pass->detached_path);
		pass->written = !err;
	} else if (!err) {
		err = hand_back(b, pass);
	}
	return err;
}

/* pahole has written (or failed to): keep the prepared .BTF_ids only then. */
static int btfids_finish(void *priv, int err)
{
	struct btfids *b = priv;

	if (b && !err)
		err = btfids__commit(b);
	btfids__free(b);
	return err;
}

/*
 * At load time: arguments the plugin would refuse later stop pahole now,
 * so `pahole --btf_plugin=btfids.so:kernel=7.4 --version` fails, which is
 * how a kernel build asks whether the plugin finishes its release.
 */
static int btfids_check_args(const char *args)
{
	struct plugin_args pa = {};
	int err;

	err = parse_args(args, "pahole", &pa);
	if (!err && pa.kernel && !btfids__kernel_implemented(pa.kernel))
		err = plugin_err("pahole", "kernel=%s: Linux %s is not a release this plugin implements (%s)",
				 pa.kernel, pa.kernel, btfids__kernels());
	free(pa.kernel);
	return err;
}

__attribute__((visibility("default")))
const struct pahole_btf_plugin pahole_btf_plugin = {
	.sz		= sizeof(struct pahole_btf_plugin),
	.abi		= PAHOLE_BTF_PLUGIN_ABI,
	.name		= "btfids",
	.version	= BTFIDS_VERSION,
	.post_encode	= btfids_post_encode,
	.finish		= btfids_finish,
	.check_args	= btfids_check_args,
};
