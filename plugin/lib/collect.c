// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * collect.c - stage 1: read the ELF object (read-only) and gather the
 * .BTF_ids section and its placeholder symbols.
 *
 * The placeholder forms, as the kernel's <linux/btf_ids.h> lays them out:
 *
 *   __BTF_ID__func__vfs_close__1:     .zero 4      one id; also struct,
 *                                                  union and typedef
 *   __BTF_ID__set__list:              .zero 4      u32 cnt, then cnt ids;
 *                                                  symbol size = 4 + 4 * cnt
 *   __BTF_ID__set8__list:             .zero 4      u32 cnt, u32 flags, then
 *                                     .long flags  cnt (id, flags) pairs;
 *                                                  symbol size = 8 + 8 * cnt
 *
 * The trailing __<n> of an id symbol only makes it unique; one name may sit
 * at any number of addresses. Set names are unique.
 *
 * Hands on: b->words (the section as native-order words), b->names (the
 * placeholders, each with its section offsets), b->swap.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btfids_internal.h"

#define BTF_IDS_SECTION	".BTF_ids"
#define BTF_ID_PREFIX	"__BTF_ID__"

#if __BYTE_ORDER == __LITTLE_ENDIAN
#define ELFDATA_HOST	ELFDATA2LSB
#else
#define ELFDATA_HOST	ELFDATA2MSB
#endif

struct elf_file {
	int fd;
	Elf *elf;
	size_t file_size;
	Elf_Scn *ids_scn;
	GElf_Shdr ids_shdr;
	size_t ids_shndx;
	Elf_Scn *sym_scn;
	GElf_Shdr sym_shdr;
};

/* Placeholder kinds by the word after __BTF_ID__; "set8" before "set". */
static const struct {
	const char *prefix;
	enum btfids_ns ns;
	enum btfids_sym_kind kind;
} placeholder_kinds[] = {
	{ "struct",	BTFIDS_NS_STRUCT,	BTFIDS_SYM_ID },
	{ "union",	BTFIDS_NS_UNION,	BTFIDS_SYM_ID },
	{ "typedef",	BTFIDS_NS_TYPEDEF,	BTFIDS_SYM_ID },
	{ "func",	BTFIDS_NS_FUNC,		BTFIDS_SYM_ID },
	{ "set8",	BTFIDS_NS_SET,		BTFIDS_SYM_SET8 },
	{ "set",	BTFIDS_NS_SET,		BTFIDS_SYM_SET },
};

static int elf_err(struct btfids *b, const char *what)
{
	pr_err(b, "btfids: %s: %s: %s\n", b->elf_path, what, elf_errmsg(-1));
	return -EINVAL;
}

/* libelf quietly shows no sections when their table is cut off: refuse. */
static int check_shdr_table(struct btfids *b, struct elf_file *ef)
{
	GElf_Ehdr ehdr;
	size_t nr;

	if (!gelf_getehdr(ef->elf, &ehdr))
		return elf_err(b, "cannot read ELF header");
	if (elf_getshdrnum(ef->elf, &nr))
		return elf_err(b, "cannot read the number of sections");
	if (ehdr.e_shoff > ef->file_size ||
	    (__u64)nr * ehdr.e_shentsize > ef->file_size - ehdr.e_shoff) {
		pr_err(b, "btfids: %s: section header table (offset %llu, %zu entries) lies past the end of the file (%zu bytes)\n",
		       b->elf_path, (unsigned long long)ehdr.e_shoff, nr, ef->file_size);
		return -EINVAL;
	}
	return 0;
}

static int elf_open(struct btfids *b, struct elf_file *ef)
{
	struct stat st;
	int err;

	err = btfids_open_regular(&b->opts, b->elf_path, &ef->fd, &st);
	if (err)
		return err;
	ef->file_size = st.st_size;

	elf_version(EV_CURRENT);
	ef->elf = elf_begin(ef->fd, ELF_C_READ_MMAP, NULL);
	if (!ef->elf)
		return elf_err(b, "cannot read ELF");
	if (elf_kind(ef->elf) != ELF_K_ELF) {
		pr_err(b, "btfids: %s: not an ELF file\n", b->elf_path);
		return -EINVAL;
	}
	return check_shdr_table(b, ef);
}

static void elf_close(struct elf_file *ef)
{
	if (ef->elf)
		elf_end(ef->elf);
	if (ef->fd >= 0)
		close(ef->fd);
}

static int check_section_bounds(struct btfids *b, struct elf_file *ef,
				const GElf_Shdr *sh, const char *name)
{
	if (sh->sh_type == SHT_NOBITS)
		return 0;
	if (sh->sh_offset > ef->file_size ||
	    sh->sh_size > ef->file_size - sh->sh_offset) {
		pr_err(b, "btfids: %s: section %s (offset %llu, size %llu) lies past the end of the file (%zu bytes)\n",
		       b->elf_path, name, (unsigned long long)sh->sh_offset,
		       (unsigned long long)sh->sh_size, ef->file_size);
		return -EINVAL;
	}
	return 0;
}

/* Find .BTF_ids and the symbol table; the last of each wins, as in the kernel. */
static int find_sections(struct btfids *b, struct elf_file *ef)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int err;

	if (elf_getshdrstrndx(ef->elf, &shstrndx))
		return elf_err(b, "cannot read section header string index");

	while ((scn = elf_nextscn(ef->elf, scn))) {
		const char *name;
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) != &sh) {
			pr_err(b, "btfids: %s: cannot read header of section %zu: %s\n",
			       b->elf_path, elf_ndxscn(scn), elf_errmsg(-1));
			return -EINVAL;
		}
		name = elf_strptr(ef->elf, shstrndx, sh.sh_name);
		if (!name) {
			pr_err(b, "btfids: %s: cannot read name of section %zu\n",
			       b->elf_path, elf_ndxscn(scn));
			return -EINVAL;
		}
		if (sh.sh_type == SHT_SYMTAB) {
			ef->sym_scn = scn;
			ef->sym_shdr = sh;
		} else if (!strcmp(name, BTF_IDS_SECTION)) {
			ef->ids_scn = scn;
			ef->ids_shdr = sh;
			ef->ids_shndx = elf_ndxscn(scn);
		} else {
			continue;
		}
		err = check_section_bounds(b, ef, &sh, name);
		if (err)
			return err;
	}
	return 0;
}

/* Copy .BTF_ids into native-order words; the pass works on those. */
static int load_ids_section(struct btfids *b, struct elf_file *ef)
{
	const GElf_Shdr *sh = &ef->ids_shdr;
	Elf_Data *data;
	size_t i, nr;

	if (sh->sh_flags & SHF_COMPRESSED) {
		pr_err(b, "btfids: %s: section %s is compressed\n", b->elf_path, BTF_IDS_SECTION);
		return -EINVAL;
	}
	data = elf_getdata(ef->ids_scn, NULL);
	if (!data)
		return elf_err(b, "cannot read section " BTF_IDS_SECTION);
	if (data->d_size % sizeof(__u32)) {
		pr_err(b, "btfids: %s: section %s size %zu is not a multiple of 4\n",
		       b->elf_path, BTF_IDS_SECTION, data->d_size);
		return -EINVAL;
	}
	b->ids_size = data->d_buf ? data->d_size : 0;
	b->words = malloc(b->ids_size + sizeof(__u32));
	if (!b->words)
		return -ENOMEM;
	if (b->ids_size)
		memcpy(b->words, data->d_buf, b->ids_size);
	nr = b->ids_size / sizeof(__u32);
	for (i = 0; b->swap && i < nr; i++)
		b->words[i] = btfids_bswap32(b->words[i]);
	return 0;
}

/*
 * The name of an id placeholder: what follows "<kind>__" up to the last
 * "__<n>". Like resolve_btfids, the two characters after the kind are
 * skipped, not checked, and the name must fit KSYM_NAME_LEN.
 */
static int parse_id_name(struct btfids *b, const char *sym, const char *rest,
			 size_t *len)
{
	size_t rest_len = strlen(rest);
	const char *last;

	if (rest_len <= 2 || rest_len - 2 >= BTFIDS_NAME_MAX) {
		pr_err(b, "btfids: %s: symbol %s: malformed name (length %zu)\n",
		       b->elf_path, sym, rest_len);
		return -EINVAL;
	}
	rest += 2;
	last = strrchr(rest, '_');
	if (!last || last == rest || last[-1] != '_') {
		pr_err(b, "btfids: %s: symbol %s: name lacks the __<n> suffix\n",
		       b->elf_path, sym);
		return -EINVAL;
	}
	*len = last - 1 - rest;
	return 0;
}

/* A set's entry count, from its symbol size (header included). */
static int set_count(struct btfids *b, const char *sym, enum btfids_sym_kind kind,
		     __u64 size, __u32 off, __u32 *cnt)
{
	size_t entry = kind == BTFIDS_SYM_SET8 ? 8 : 4;

	if (size < entry || size % entry) {
		pr_err(b, "btfids: %s: set %s: size %llu is not a header plus whole %zu-byte entries\n",
		       b->elf_path, sym, (unsigned long long)size, entry);
		return -EINVAL;
	}
	if (size > b->ids_size - off) {
		pr_err(b, "btfids: %s: set %s: %llu bytes at offset %u run past the end of %s (%zu bytes)\n",
		       b->elf_path, sym, (unsigned long long)size, off, BTF_IDS_SECTION,
		       b->ids_size);
		return -EINVAL;
	}
	*cnt = size / entry - 1;
	return 0;
}

static int add_placeholder(struct btfids *b, const char *sym, __u32 off, __u64 size)
{
	const char *kind_str = sym + sizeof(BTF_ID_PREFIX) - 1;
	const char *rest = NULL, *name;
	struct btfids_names *names;
	struct btfids_sym *s;
	enum btfids_sym_kind kind;
	size_t i, len;
	bool added;
	int err;

	for (i = 0; i < sizeof(placeholder_kinds) / sizeof(placeholder_kinds[0]); i++) {
		size_t n = strlen(placeholder_kinds[i].prefix);

		if (!strncmp(kind_str, placeholder_kinds[i].prefix, n)) {
			rest = kind_str + n;
			break;
		}
	}
	if (!rest) {
		pr_err(b, "btfids: %s: symbol %s: unsupported placeholder kind\n",
		       b->elf_path, sym);
		return -EINVAL;
	}
	names = &b->names[placeholder_kinds[i].ns];
	kind = placeholder_kinds[i].kind;

	if (kind == BTFIDS_SYM_ID) {
		err = parse_id_name(b, sym, rest, &len);
		if (err)
			return err;
		name = rest + 2;
		names->nr_elf_syms++;
	} else {
		if (strlen(rest) <= 2) {
			pr_err(b, "btfids: %s: symbol %s: set without a name\n", b->elf_path, sym);
			return -EINVAL;
		}
		name = rest + 2;
		len = strlen(name);
	}

	s = btfids_names_add(names, name, len, &added);
	if (!s)
		return -ENOMEM;
	if (kind != BTFIDS_SYM_ID) {
		if (!added) {
			pr_err(b, "btfids: %s: symbol %s: a set named '%s' already exists\n",
			       b->elf_path, sym, s->name);
			return -EINVAL;
		}
		err = set_count(b, sym, kind, size, off, &s->cnt);
		if (err)
			return err;
	}
	s->kind = kind;
	return btfids_sym_add_off(s, off);
}

/* Turn a symbol value into a checked offset into .BTF_ids. */
static int symbol_offset(struct btfids *b, const GElf_Shdr *ids, const char *sym,
			 __u64 value, __u32 *off)
{
	__u64 rel = value - ids->sh_addr;

	if (value < ids->sh_addr || rel >= b->ids_size || b->ids_size - rel < 4) {
		pr_err(b, "btfids: %s: symbol %s at 0x%llx lies outside %s (0x%llx, %zu bytes)\n",
		       b->elf_path, sym, (unsigned long long)value, BTF_IDS_SECTION,
		       (unsigned long long)ids->sh_addr, b->ids_size);
		return -EINVAL;
	}
	if (rel % 4) {
		pr_err(b, "btfids: %s: symbol %s at 0x%llx is not 4-byte aligned\n",
		       b->elf_path, sym, (unsigned long long)value);
		return -EINVAL;
	}
	*off = rel;
	return 0;
}

static int collect_symbols(struct btfids *b, struct elf_file *ef)
{
	const GElf_Shdr *sh = &ef->sym_shdr;
	Elf_Data *data;
	size_t i, nr;
	int err;

	if (!sh->sh_entsize) {
		pr_err(b, "btfids: %s: symbol table has entry size 0\n", b->elf_path);
		return -EINVAL;
	}
	data = elf_getdata(ef->sym_scn, NULL);
	if (!data)
		return elf_err(b, "cannot read the symbol table");
	nr = sh->sh_size / sh->sh_entsize;

	for (i = 0; i < nr; i++) {
		const char *name;
		GElf_Sym sym;
		__u32 off;

		if (!gelf_getsym(data, i, &sym)) {
			pr_err(b, "btfids: %s: cannot read symbol %zu: %s\n",
			       b->elf_path, i, elf_errmsg(-1));
			return -EINVAL;
		}
		if (sym.st_shndx != ef->ids_shndx)
			continue;
		name = elf_strptr(ef->elf, sh->sh_link, sym.st_name);
		if (!name || strncmp(name, BTF_ID_PREFIX, sizeof(BTF_ID_PREFIX) - 1))
			continue;

		err = symbol_offset(b, &ef->ids_shdr, name, sym.st_value, &off);
		if (!err)
			err = add_placeholder(b, name, off, sym.st_size);
		if (err)
			return err;
	}
	return 0;
}

int btfids_collect(struct btfids *b)
{
	struct elf_file ef = { .fd = -1 };
	GElf_Ehdr ehdr;
	int err;

	err = elf_open(b, &ef);
	if (err)
		goto out;
	if (!gelf_getehdr(ef.elf, &ehdr)) {
		err = elf_err(b, "cannot read ELF header");
		goto out;
	}
	b->swap = ehdr.e_ident[EI_DATA] != ELFDATA_HOST;

	err = find_sections(b, &ef);
	if (err)
		goto out;
	if (!ef.ids_scn) {
		pr_debug(b, "%s: no %s section, nothing to resolve\n",
			 b->elf_path, BTF_IDS_SECTION);
		goto out;
	}
	if (!ef.sym_scn) {
		pr_err(b, "btfids: %s: has a %s section but no symbol table to resolve it with\n",
		       b->elf_path, BTF_IDS_SECTION);
		err = -EINVAL;
		goto out;
	}
	b->has_ids = true;

	err = load_ids_section(b, &ef);
	if (!err)
		err = collect_symbols(b, &ef);
out:
	elf_close(&ef);
	return err;
}
