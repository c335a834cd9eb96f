// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * run-after-failed-collect - a host calls btfids__run() after
 * btfids__collect() failed. The second collect (inside run) returns 0, so
 * the pass goes on with a half-built placeholder table: here a set whose
 * size check failed is left in it without any offset, and resolve's
 * sort_sets() reads its offs[0] through a NULL pointer.
 *
 * Expected: run fails again (the collect error is remembered), no crash.
 * Built and run by tests/fuzz/run.sh (the C files of regressions/api):
 * exit 0 = pass.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <bpf/btf.h>

#include "btfids.h"

static void quiet(void *ctx, enum btfids_log_level l, const char *fmt, va_list ap)
{
}

/*
 * ELF64 LE relocatable: .BTF_ids (8 bytes), .symtab with one symbol
 * __BTF_ID__set__s of size 40 at offset 0 of .BTF_ids (runs past its end),
 * .strtab, .shstrtab. Built by hand so the reproducer needs no toolchain.
 */
static size_t build_elf(unsigned char *img)
{
	static const char shstr[] = "\0.BTF_ids\0.symtab\0.strtab\0.shstrtab";
	static const char str[] = "\0__BTF_ID__set__s";
	size_t off = 64, ids_off, sym_off, str_off, shstr_off, sh_off;
	unsigned char *p;
	int i;

	memset(img, 0, 4096);
	memcpy(img, "\177ELF", 4);
	img[4] = 2;		/* ELFCLASS64 */
	img[5] = 1;		/* ELFDATA2LSB */
	img[6] = 1;		/* EV_CURRENT */
	img[16] = 1;		/* ET_REL */
	img[18] = 62;		/* EM_X86_64 */
	img[20] = 1;		/* e_version */

	ids_off = off;	off += 8;			/* .BTF_ids: 8 zero bytes */
	sym_off = off;	off += 2 * 24;			/* null symbol + ours */
	p = img + sym_off + 24;
	p[0] = 1;					/* st_name */
	p[4] = 1;					/* STB_LOCAL, STT_OBJECT */
	p[6] = 1;					/* st_shndx: .BTF_ids */
	p[16] = 40;					/* st_size */
	str_off = off;	memcpy(img + off, str, sizeof(str)); off += sizeof(str);
	shstr_off = off; memcpy(img + off, shstr, sizeof(shstr)); off += sizeof(shstr);
	off = (off + 7) & ~7UL;
	sh_off = off;

	struct { unsigned name, type; unsigned long flags, addr, offset, size;
		 unsigned link, info; unsigned long align, entsize; } sh[5];
	memset(sh, 0, sizeof(sh));
	sh[1] = (typeof(sh[1])){ 1, 1 /* PROGBITS */, 2 /* ALLOC */, 0, ids_off, 8, 0, 0, 4, 0 };
	sh[2] = (typeof(sh[2])){ 10, 2 /* SYMTAB */, 0, 0, sym_off, 48, 3, 2, 8, 24 };
	sh[3] = (typeof(sh[3])){ 18, 3 /* STRTAB */, 0, 0, str_off, sizeof(str), 0, 0, 1, 0 };
	sh[4] = (typeof(sh[4])){ 26, 3, 0, 0, shstr_off, sizeof(shstr), 0, 0, 1, 0 };
	memcpy(img + sh_off, sh, sizeof(sh));
	off = sh_off + sizeof(sh);

	for (i = 0; i < 8; i++)				/* e_shoff */
		img[40 + i] = (unsigned char)(sh_off >> (8 * i));
	img[52] = 64;					/* e_ehsize */
	img[58] = 64;					/* e_shentsize */
	img[60] = 5;					/* e_shnum */
	img[62] = 4;					/* e_shstrndx */
	return off;
}

int main(void)
{
	struct btfids_opts opts = { .sz = sizeof(opts), .log = quiet };
	unsigned char img[4096];
	char path[64];
	struct btfids *b;
	struct btf *btf;
	int fd, err1, err2;
	size_t size;

	size = build_elf(img);
	fd = memfd_create("elf", 0);
	if (fd < 0 || write(fd, img, size) != (ssize_t)size)
		return perror("memfd"), 2;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	btf = btf__new_empty();
	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);

	b = btfids__new(path, &opts);
	err1 = btfids__collect(b);		/* fails: the set runs past .BTF_ids */
	btfids__set_btf(b, btf, NULL);
	err2 = btfids__run(b);			/* must fail too, not crash */
	btfids__free(b);
	btf__free(btf);
	printf("collect %d, run %d\n", err1, err2);
	return err1 < 0 && err2 < 0 ? 0 : 1;
}
