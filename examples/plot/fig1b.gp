# Figure 1b: for each quantile q of the training scores, the share of true anomalies among
# the training rows scored above q (bars, one per model-loss) and the fraction of all
# training anomalies above q (lines).  The dashed line is gamma, the share in the whole set.
# colours holds one colour per model-loss, in order (a bar and its line share it).
set terminal @term
set output out
set title title
set xlabel "quantile q of the training scores"
set ylabel "share"
set yrange [0:1.05]
set grid ytics
set key below horizontal
set datafile separator "\t"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
plot for [j=1:nm] data using 2*j:xtic(1) lc rgb word(colours, j) title columnheader(2*j), \
     for [j=1:nm] data using ($0 + (j - 1 - (nm - 1) / 2.0) / (nm + 1)):(column(2*j+1)) with linespoints \
       lw 2 pt 7 lc rgb word(colours, j) title columnheader(2*j+1), \
     real(gamma) with lines dt 2 lc "black" title "gamma (share in the whole set)"
