	.pushsection .BTF_ids,"a"
__BTF_ID__set8__s:		.zero 4
				.long 0
__BTF_ID__func__func__1:	.zero 4
				.long 0
				.zero 4
	.size __BTF_ID__set8__s, 20
	.popsection
