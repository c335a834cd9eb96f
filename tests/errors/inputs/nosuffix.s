	.pushsection .BTF_ids,"a"
__BTF_ID__func__func:	.zero 4
	.popsection
