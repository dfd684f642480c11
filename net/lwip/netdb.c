/* wip */ typedef int yolk_wip_netdb;
