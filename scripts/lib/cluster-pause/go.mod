module fastdapr.local/cluster-pause

go 1.22
