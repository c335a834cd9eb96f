	.pushsection .BTF_ids,"a"
__BTF_ID__set__s:	.zero 4
	.size __BTF_ID__set__s, 4
__BTF_ID__set8__s:	.zero 8
	.size __BTF_ID__set8__s, 8
	.popsection
