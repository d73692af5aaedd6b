# fill_narrow NS: what an 80-column screen finds hard (sourced by
# narrow.sh and views_narrow.sh): IPv6 flows with long addresses, 4- and
# 5-digit ports, every protocol; 21 entries. Needs fill.bash's _ins.
# shellcheck disable=SC2086
fill_narrow() {
	local ns=$1 t="-t 600" as="-u ASSURED,SEEN_REPLY" i
	local a=fd00:1234:5678:9abc b=fd00:1 c=fd00:aaaa:bbbb:cccc:dddd:eeee:ffff

	_ins "$ns" -p tcp -s $a::2 -d $b::1 --sport 44321 --dport 3306 --state ESTABLISHED $t $as
	_ins "$ns" -p tcp -s $a:def0:1234:5678:9abc -d $b::1 --sport 51000 --dport 8080 --state ESTABLISHED $t $as
	_ins "$ns" -p tcp -s $a::2 -d $a::3 --sport 40000 --dport 443 --state SYN_SENT $t
	_ins "$ns" -p tcp -s $a:1:2:3:4 -d $b::1 --sport 1234 --dport 5432 --state TIME_WAIT $t $as
	_ins "$ns" -p tcp -s 10.1.0.1 -d 192.168.100.200 --sport 54321 --dport 65535 --state CLOSE_WAIT $t $as
	_ins "$ns" -p udp -s $a::53 -d $c:1 --sport 53000 --dport 53 $t
	_ins "$ns" -p udp -s 10.1.1.2 -d 10.2.1.1 --sport 4500 --dport 4500 $t $as
	_ins "$ns" -p udplite -s $a::5 -d $b::5 --sport 5000 --dport 50001 $t
	_ins "$ns" -p icmp -s 10.1.2.1 -d 10.2.2.1 --icmp-type 8 --icmp-code 0 --icmp-id 1027 $t
	_ins "$ns" -p icmpv6 -s $a:1:2:3:4 -d $c:2 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 80 $t
	_ins "$ns" -p sctp -s $a::7 -d $b::7 --sport 3000 --dport 36412 --state ESTABLISHED --orig-vtag 1 --reply-vtag 2 $t $as
	_ins "$ns" -p dccp -s $a::8 -d $b::8 --sport 4000 --dport 4001 --state OPEN --role client $t
	_ins "$ns" -p gre -s 10.1.3.4 -d 10.2.3.3 --srckey 5 --dstkey 6 $t
	for i in 1 2 3 4 5 6 7 8; do
		_ins "$ns" -p tcp -s $a::1$i -d $b::1 --sport 4433$i --dport 3306 --state ESTABLISHED $t $as
	done
}
