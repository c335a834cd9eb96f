	.pushsection .BTF_ids,"a"
__BTF_ID__set__s:		.zero 4
__BTF_ID__func__func__1:	.zero 4
	.size __BTF_ID__set__s, 40
	.popsection
