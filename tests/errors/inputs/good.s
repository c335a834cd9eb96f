# A well-formed object: an id list and a set8.
	.pushsection .BTF_ids,"a"
__BTF_ID__struct__foo__1:	.zero 4
__BTF_ID__set8__s:		.zero 4
				.long 1
__BTF_ID__func__func__2:	.zero 4
				.long 0
	.size __BTF_ID__set8__s, 16
	.popsection
