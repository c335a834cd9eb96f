	.pushsection .BTF_ids,"a"
__BTF_ID__func__func__1:	.zero 4
				.byte 0, 0
	.popsection
