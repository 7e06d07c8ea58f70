# bandwidth.gp - memory bandwidth as the limit of sumsq and checksum: each
# run's rate in GB/s as a horizontal bar, the measured memory read rate
# (bench_fold) among them in gray; a log scale when the rates span more
# than a factor of 30 (a plain byte fold against a cache-sized read).
# Data: bandwidth.csv (derive.py bandwidth).
load here.'/common.gp'
set title 'Memory bandwidth: reading a file in memory (median rates)'
set ylabel ''
set key off
stats csv skip 1 using 4 nooutput
set yrange [STATS_records - 0.4:-0.6]
if (STATS_min > 0 && STATS_max / STATS_min > 30) {
	set logscale x 10
	lo = 10 ** floor(log10(STATS_min))
	set xrange [lo:STATS_max * 3]
	set xlabel 'GB/s (1e9 bytes per second of input read; log scale)'
} else {
	lo = 0
	set xrange [0:STATS_max * 1.12]
	set xlabel 'GB/s (1e9 bytes per second of input read)'
}
color(w) = (w eq 'sumsq') ? 0x1f77b4 : (w eq 'checksum') ? 0xd62728 : 0x999999
plot csv skip 1 using (column(4)):0:(lo):(column(4)):($0 - 0.38):($0 + 0.38):(color(strcol(1))): \
        ytic(sprintf('%s %s, %s thr', strcol(1), strcol(2), strcol(3))) \
        with boxxyerror lc rgb variable notitle, \
     '' skip 1 using 4:0:(sprintf(' %.3g', column(4))) notitle with labels left font ',10'
