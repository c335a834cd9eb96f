// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * release.c - the releases the pass implements, and the choice of one.
 *
 * What changed in the kernel's resolve_btfids, release by release:
 *
 *   7.2  kfuncs are the FUNCs pahole tagged "bpf_kfunc"; KF_IMPLICIT_ARGS
 *        prototypes rewritten, <name>_impl looked up in all types.
 *   7.3  kfuncs are the entries of the BTF_SET8_KFUNCS sets (found by
 *        address, a kfunc in two sets with other flags is an error);
 *        resolve_btfids itself adds "bpf_kfunc" and "bpf_fastcall" decl
 *        tags and address_space(1) attributes on arena pointers; _impl
 *        looked up in own types; btf__dedup() before distilling.
 *
 * The choice: a release named by the host (or BTFIDS_KERNEL), else the
 * object's own: a module's .modinfo "vermagic=7.3..." or vmlinux's
 * linux_banner "Linux version 7.3...". Only MAJOR.MINOR counts, so 7.3-rc7
 * and 7.3.2 are 7.3. Anything else is refused: never a guess.
 *
 * Hands on a struct btfids_release (release.h) for the driver.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "release.h"

const struct btfids_release btfids_releases[] = {
	{
		.name = "7.2", .major = 7, .minor = 2,
		.kfuncs = BTFIDS_KFUNCS_FROM_TAGS,
	},
	{
		.name = "7.3", .major = 7, .minor = 3,
		.kfuncs = BTFIDS_KFUNCS_FROM_SETS,
		.emit_kfunc_tags = true,
		.arena_attrs = true,
		.flags_must_agree = true,
		.impl_own_only = true,
		.dedup = true,
		.libbpf_major = 1, .libbpf_minor = 8,
	},
};

const unsigned int btfids_nr_releases = sizeof(btfids_releases) / sizeof(btfids_releases[0]);

#define KERNEL_ENV	"BTFIDS_KERNEL"
#define BANNER_SYMBOL	"linux_banner"
#define BANNER_PREFIX	"Linux version "
#define VERMAGIC_KEY	"vermagic="
/* What is read of a banner or vermagic string: the version is at its start. */
#define VERSION_TEXT_MAX	64

const char *btfids_release_list(void)
{
	static char list[128];
	unsigned int i;
	size_t len = 0;

	if (list[0])
		return list;
	for (i = 0; i < btfids_nr_releases && len < sizeof(list); i++)
		len += snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
				btfids_releases[i].name);
	return list;
}

const struct btfids_release *btfids_release_find(int major, int minor)
{
	unsigned int i;

	for (i = 0; i < btfids_nr_releases; i++)
		if (btfids_releases[i].major == major && btfids_releases[i].minor == minor)
			return &btfids_releases[i];
	return NULL;
}

/* A decimal number of at most 4 digits at *s; advances *s past it. */
static int parse_number(const char **s, int *n)
{
	int digits = 0;

	*n = 0;
	while (isdigit((unsigned char)**s) && digits < 5) {
		*n = *n * 10 + (**s - '0');
		(*s)++;
		digits++;
	}
	return digits && digits < 5 ? 0 : -EINVAL;
}

int btfids_release_parse(const char *s, int *major, int *minor)
{
	if (parse_number(&s, major) || *s++ != '.' || parse_number(&s, minor))
		return -EINVAL;
	/* "7.30" must not read as 7.3, nor "7.3a" as anything */
	return *s && !strchr(".-+~_", *s) ? -EINVAL : 0;
}

/*
 * The stages implement the 7.2 rules (transform.c) for kfuncs from tags,
 * and every switch separately for kfuncs from the sets (kfuncs.c).
 */
bool btfids_release_consistent(const struct btfids_release *r)
{
	if (r->kfuncs == BTFIDS_KFUNCS_FROM_SETS)
		return true;
	return !r->emit_kfunc_tags && !r->arena_attrs && !r->flags_must_agree &&
	       !r->impl_own_only;
}

/* The first word of the string at @p (at most @avail bytes) into @out, cut to fit. */
static void copy_text(char *out, const char *p, size_t avail)
{
	size_t n = 0;

	while (n < avail && n < VERSION_TEXT_MAX - 1 && p[n] && !isspace((unsigned char)p[n]))
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* A module's "vermagic=" in .modinfo (NUL-separated key=value strings). */
static int read_vermagic(const struct btfids_elf *ef, char *out)
{
	Elf_Data *data = elf_getdata(ef->modinfo_scn, NULL);
	const char *p, *end;

	if (!data || !data->d_buf)
		return -ENOENT;
	p = data->d_buf;
	end = p + data->d_size;
	while (p < end) {
		size_t n = strnlen(p, end - p);

		if (n > strlen(VERMAGIC_KEY) && !strncmp(p, VERMAGIC_KEY, strlen(VERMAGIC_KEY))) {
			copy_text(out, p + strlen(VERMAGIC_KEY), n - strlen(VERMAGIC_KEY));
			return 0;
		}
		p += n + 1;
	}
	return -ENOENT;
}

/* Is symbol @i of @data named linux_banner? Its section and value if so. */
static bool is_banner_symbol(const Elf_Data *data, const Elf_Data *strs, bool elf64, size_t i,
			     __u32 *shndx, __u64 *value)
{
	const Elf64_Sym *s64 = (const Elf64_Sym *)data->d_buf + i;
	const Elf32_Sym *s32 = (const Elf32_Sym *)data->d_buf + i;
	__u32 name = elf64 ? s64->st_name : s32->st_name;
	const char *p;

	if (name >= strs->d_size || strs->d_size - name < sizeof(BANNER_SYMBOL))
		return false;
	p = (const char *)strs->d_buf + name;
	/* the first byte alone turns away almost every symbol of vmlinux */
	if (*p != BANNER_SYMBOL[0] || memcmp(p, BANNER_SYMBOL, sizeof(BANNER_SYMBOL)))
		return false;
	*shndx = elf64 ? s64->st_shndx : s32->st_shndx;
	*value = elf64 ? s64->st_value : s32->st_value;
	return true;
}

/* Where the symbol's bytes are: its section's data and the offset in it. */
static int symbol_bytes(const struct btfids_elf *ef, __u32 shndx, __u64 value,
			const char **p, size_t *avail)
{
	Elf_Scn *scn = shndx && shndx < ef->shnum && shndx < SHN_LORESERVE ?
		       elf_getscn(ef->elf, shndx) : NULL;
	GElf_Ehdr ehdr;
	GElf_Shdr sh;
	Elf_Data *data;
	__u64 off;

	if (!scn || gelf_getshdr(scn, &sh) != &sh || sh.sh_type != SHT_PROGBITS ||
	    !gelf_getehdr(ef->elf, &ehdr))
		return -ENOENT;
	/* relocatable objects: section-relative values */
	off = ehdr.e_type == ET_REL ? value : value - sh.sh_addr;
	data = elf_getdata(scn, NULL);
	if (value < (ehdr.e_type == ET_REL ? 0 : sh.sh_addr) || !data || !data->d_buf ||
	    off >= data->d_size)
		return -ENOENT;
	*p = (const char *)data->d_buf + off;
	*avail = data->d_size - off;
	return 0;
}

/* The text of the banner at @shndx:@value, past "Linux version ". */
static int banner_text(const struct btfids_elf *ef, __u32 shndx, __u64 value, char *out)
{
	const char *p;
	size_t avail;

	if (symbol_bytes(ef, shndx, value, &p, &avail) || avail <= strlen(BANNER_PREFIX) ||
	    strncmp(p, BANNER_PREFIX, strlen(BANNER_PREFIX)))
		return -ENOENT;
	copy_text(out, p + strlen(BANNER_PREFIX), avail - strlen(BANNER_PREFIX));
	return 0;
}

/* vmlinux's linux_banner: "Linux version 7.3.0-rc7 (...)". */
static int read_banner(const struct btfids_elf *ef, const struct btfids_banner_sym *seen,
		       char *out)
{
	Elf_Data *syms, *strs;
	Elf_Scn *str_scn;
	size_t i, nr;
	__u32 shndx;
	__u64 value;
	bool elf64;

	if (seen->scanned)
		return seen->found ? banner_text(ef, seen->shndx, seen->value, out) : -ENOENT;
	if (!ef->sym_scn || !ef->sym_shdr.sh_entsize)
		return -ENOENT;
	syms = elf_getdata(ef->sym_scn, NULL);
	str_scn = ef->sym_shdr.sh_link < ef->shnum ? elf_getscn(ef->elf, ef->sym_shdr.sh_link) :
		  NULL;
	strs = str_scn ? elf_getdata(str_scn, NULL) : NULL;
	if (!syms || !strs || !strs->d_buf)
		return -ENOENT;
	elf64 = gelf_getclass(ef->elf) == ELFCLASS64;
	nr = syms->d_size / gelf_fsize(ef->elf, ELF_T_SYM, 1, EV_CURRENT);
	for (i = 0; i < nr; i++) {
		if (is_banner_symbol(syms, strs, elf64, i, &shndx, &value))
			return banner_text(ef, shndx, value, out);
	}
	return -ENOENT;
}

bool btfids_release_finishable(const struct btfids_release *r)
{
	unsigned int major = libbpf_major_version(), minor = libbpf_minor_version();

	return major > (unsigned int)r->libbpf_major ||
	       (major == (unsigned int)r->libbpf_major && minor >= (unsigned int)r->libbpf_minor);
}

/* Refuse: @r is a row, but this build's libbpf cannot finish it as the kernel does. */
static int unfinishable(struct btfids_log *lg, const char *path, const struct btfids_release *r)
{
	btfids_error(lg, path, "Linux %s needs libbpf >= %d.%d, as its resolve_btfids has (this build has libbpf %u.%u, whose btf__dedup() writes other bytes): build btfids against libbpf %d.%d",
		     r->name, r->libbpf_major, r->libbpf_minor, libbpf_major_version(),
		     libbpf_minor_version(), r->libbpf_major, r->libbpf_minor);
	return -EOPNOTSUPP;
}

/* Refuse: what was found (@text, from @where) is not a row. */
static int unsupported(struct btfids_log *lg, const char *path, const char *where,
		       const char *text)
{
	btfids_error(lg, path, "Linux %s (%s) is not a release this pass implements (%s)",
		     text, where, btfids_release_list());
	return -EOPNOTSUPP;
}

int btfids_release_choose(struct btfids_log *lg, const struct btfids_elf *ef, const char *named,
			  bool finishing, const struct btfids_banner_sym *seen,
			  const struct btfids_release **out)
{
	char text[VERSION_TEXT_MAX];
	const char *where = "named";
	int major, minor;

	*out = NULL;
	if (!named && getenv(KERNEL_ENV) && *getenv(KERNEL_ENV))
		named = getenv(KERNEL_ENV);
	if (named) {
		copy_text(text, named, strlen(named));
	} else if (ef->modinfo_scn && !read_vermagic(ef, text)) {
		where = "its .modinfo vermagic";
	} else if (!read_banner(ef, seen, text)) {
		where = "its linux_banner";
	} else {
		btfids_error(lg, ef->path, "no Linux release found (no .modinfo vermagic, no linux_banner): name one (%s)",
			     btfids_release_list());
		return -EOPNOTSUPP;
	}
	if (btfids_release_parse(text, &major, &minor))
		return unsupported(lg, ef->path, where, text);
	*out = btfids_release_find(major, minor);
	if (!*out) {
		snprintf(text, sizeof(text), "%d.%d", major, minor);
		return unsupported(lg, ef->path, where, text);
	}
	if (finishing && !btfids_release_finishable(*out)) {
		*out = NULL;
		return unfinishable(lg, ef->path, btfids_release_find(major, minor));
	}
	pr_debug(lg, "%s: Linux %s (%s)\n", ef->path, (*out)->name, where);
	return 0;
}
