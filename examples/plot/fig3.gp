# Figure 3: mean AUROC against the contamination ratio, one line per loss; data has a header
# line "gamma loss1 loss2 ..." and one row per gamma; colours holds one colour per loss, in order.
set terminal @term
set output out
set title title
set xlabel "contamination ratio gamma (share of anomalies in the training data)"
set ylabel "test AUROC"
set grid
set key outside right top
set datafile separator "\t"
set datafile missing "NaN"
plot for [i=2:ncol] data using 1:i with linespoints lw 2 pt 7 lc rgb word(colours, i - 1) \
     title columnheader(i)
